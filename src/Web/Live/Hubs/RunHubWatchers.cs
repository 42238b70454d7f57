namespace Dashboard.Web.Live.Hubs;

/// <summary>Which hub connections watch which runs, so the relay only reads and sends for runs someone follows.</summary>
public sealed class RunHubWatchers
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<long>> _byConnection = [];
    private readonly Dictionary<long, int> _watcherCounts = [];

    public void Add(string connectionId, long runId)
    {
        lock (_gate)
        {
            if (!_byConnection.TryGetValue(connectionId, out var runs)) _byConnection[connectionId] = runs = [];
            if (runs.Add(runId)) _watcherCounts[runId] = _watcherCounts.GetValueOrDefault(runId) + 1;
        }
    }

    public void Remove(string connectionId, long runId)
    {
        lock (_gate)
            if (_byConnection.TryGetValue(connectionId, out var runs) && runs.Remove(runId)) Release(runId);
    }

    public void RemoveConnection(string connectionId)
    {
        lock (_gate)
            if (_byConnection.Remove(connectionId, out var runs))
                foreach (var runId in runs) Release(runId);
    }

    public bool IsWatched(long runId)
    {
        lock (_gate) return _watcherCounts.ContainsKey(runId);
    }

    private void Release(long runId)
    {
        if (--_watcherCounts[runId] == 0) _watcherCounts.Remove(runId);
    }
}
