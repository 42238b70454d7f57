using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Queue;
using Dashboard.Web.Actions;
using Dashboard.Web.Tests.Api;
using Dashboard.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dashboard.Web.Tests.Actions;

/// <summary>The app's own action services over its real database, with a worker to move runs along.</summary>
public abstract class ActionsTestBase(DashboardApp app)
{
    protected ExperimentActions Experiments => app.Services.GetRequiredService<ExperimentActions>();
    protected RunActions Runs => app.Services.GetRequiredService<RunActions>();
    protected ArtifactStore Artifacts => app.Services.GetRequiredService<ArtifactStore>();
    protected NpgsqlDataSource DataSource => app.Services.GetRequiredService<NpgsqlDataSource>();
    protected TestWorker Worker => new(DataSource, app.Services.GetRequiredService<RunQueue>());

    protected async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var arg in args) command.Parameters.AddWithValue(arg);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    protected Task<long> CountAsync(string table, string where, params object[] args) =>
        ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE {where}", args);
}
