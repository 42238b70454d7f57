using Dashboard.Infrastructure.Database;

namespace Dashboard.Testing;

/// <summary>A fresh database of the test cluster with the product's schema applied.</summary>
public static class MigratedDatabase
{
    public static async Task<string> CreateAsync(string? prefix = null)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync(prefix);
        await using var dataSource = DatabaseConnection.Create(connectionString);
        await SchemaMigrator.MigrateAsync(dataSource);
        return connectionString;
    }
}
