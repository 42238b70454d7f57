using Dashboard.Infrastructure.Database;

namespace Dashboard.Worker.Hosting;

/// <summary>A worker started while the database is away waits for it instead of exiting (nothing would start it again).</summary>
public static class WorkerStart
{
    /// <summary>The migrated database, or null when stopped before it came.</summary>
    public static async Task<DatabaseConnection?> OpenDatabaseAsync(string connectionString, Action<string> log, CancellationToken shutdown)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                return await DatabaseConnection.OpenAsync(connectionString, ".data", log, shutdown);
            }
            catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e) when (DatabaseFailures.IsTransient(e))
            {
                log($"The database is unreachable ({e.Message}); trying again in {delay.TotalSeconds:0.#} s.");
                try { await Task.Delay(delay, shutdown); }
                catch (OperationCanceledException) { return null; }
                delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, delay.Ticks * 2));
            }
        }
    }
}
