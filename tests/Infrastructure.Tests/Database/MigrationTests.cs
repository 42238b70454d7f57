using Dashboard.Infrastructure.Database;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Database;

public sealed class MigrationTests
{
    [Fact]
    public async Task Processes_starting_at_once_apply_each_migration_exactly_once()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("migrate");
        var sources = Enumerable.Range(0, 6).Select(_ => DatabaseConnection.Create(connectionString)).ToList();
        try
        {
            var applied = await Task.WhenAll(sources.Select(s => Task.Run(() => SchemaMigrator.MigrateAsync(s))));
            applied.SelectMany(a => a).Should().BeEquivalentTo(SchemaMigrator.All.Select(m => m.Version),
                "every version is applied once, by exactly one of the starters");
            await using var count = sources[0].CreateCommand("SELECT count(*) FROM schema_migrations");
            ((long)(await count.ExecuteScalarAsync())!).Should().Be(SchemaMigrator.All.Count);
            (await SchemaMigrator.MigrateAsync(sources[0])).Should().BeEmpty("a migrated database needs nothing");
        }
        finally
        {
            foreach (var s in sources) await s.DisposeAsync();
        }
    }
}
