namespace Dashboard.Worker.Execution;

/// <summary>How far a run has got, for progress bars and the run's step column. The host may throttle what it stores.</summary>
public interface IRunProgress
{
    /// <param name="totalSteps">Null when the run does not know how many steps it will take.</param>
    void ReportProgress(long step, long? totalSteps);
}
