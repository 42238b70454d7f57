using Dashboard.Infrastructure.Database;
using Dashboard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Dashboard.Infrastructure.Tests.Database;

/// <summary>The EF model is written by hand over SQL migrations; this keeps the two from drifting apart.</summary>
public sealed class SchemaAgreementTests
{
    [Fact]
    public async Task Every_mapped_property_has_a_column_of_a_compatible_type_and_nullability_and_no_column_is_unmapped()
    {
        var connectionString = await MigratedDatabase.CreateAsync("agreement");
        await using var dataSource = DatabaseConnection.Create(connectionString);
        var columns = new Dictionary<(string Table, string Column), (string Type, bool Nullable, bool HasDefault)>();
        await using (var command = dataSource.CreateCommand("""
            SELECT table_name, column_name, udt_name, is_nullable = 'YES', column_default IS NOT NULL OR is_identity = 'YES'
            FROM information_schema.columns WHERE table_schema = 'public'
            """))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                columns[(reader.GetString(0), reader.GetString(1))] = (reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4));

        var options = new DbContextOptionsBuilder<DashboardDbContext>().UseNpgsql(dataSource).Options;
        await using var context = new DashboardDbContext(options);
        var problems = new List<string>();
        foreach (var entity in context.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table);
            var mapped = new HashSet<string>();
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store)!;
                mapped.Add(column);
                if (!columns.TryGetValue((table, column), out var actual))
                {
                    problems.Add($"{table}.{column} is mapped but missing");
                    continue;
                }
                var expected = UdtName(property.GetColumnType(store));
                if (expected != actual.Type) problems.Add($"{table}.{column}: model {expected}, database {actual.Type}");
                if (!property.IsNullable && actual.Nullable) problems.Add($"{table}.{column}: model requires a value, database allows null");
                if (property.IsNullable && !actual.Nullable && property.ClrType != typeof(string))
                    problems.Add($"{table}.{column}: model allows null, database does not");
            }
            foreach (var ((t, c), _) in columns)
                if (t == table && !mapped.Contains(c)) problems.Add($"{table}.{c} exists but is not mapped");
        }
        problems.Should().BeEmpty();
    }

    private static string UdtName(string storeType) => storeType switch
    {
        "bigint" => "int8",
        "integer" => "int4",
        "text" => "text",
        "text[]" => "_text",
        "boolean" => "bool",
        "jsonb" => "jsonb",
        "double precision" => "float8",
        "timestamp with time zone" => "timestamptz",
        _ => storeType,
    };
}
