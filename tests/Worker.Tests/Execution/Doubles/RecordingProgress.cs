using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Tests.Execution.Doubles;

public sealed class RecordingProgress : IRunProgress
{
    private readonly List<(long Step, long? TotalSteps)> reports = [];

    public IReadOnlyList<(long Step, long? TotalSteps)> Reports
    {
        get { lock (reports) return reports.ToList(); }
    }

    public void ReportProgress(long step, long? totalSteps)
    {
        lock (reports) reports.Add((step, totalSteps));
    }
}
