namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>
/// An exclusive lock on the cluster's folder while it is initialised, started or stopped, so two
/// processes (a web server and a worker, say) starting together neither both run initdb nor both
/// start a server: the second one waits, then finds the first one's server and reuses it.
/// </summary>
internal sealed class StartLock : IDisposable
{
    readonly FileStream stream;

    StartLock(FileStream stream) => this.stream = stream;

    public static async Task<StartLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                // On Unix, FileShare.None takes an advisory flock, which other processes honour too.
                return new StartLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
            catch (IOException e)
            {
                throw new EmbeddedPostgresException($"Another process held '{path}' for more than {timeout.TotalSeconds:0} s.", e);
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
