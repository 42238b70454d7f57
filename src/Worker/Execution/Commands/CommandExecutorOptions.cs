namespace Dashboard.Worker.Execution.Commands;

/// <summary>Limits of the command executor. The defaults suit production; tests shorten them.</summary>
public sealed record CommandExecutorOptions
{
    /// <summary>Time between SIGTERM and SIGKILL when stopping a command, so scripts can save a checkpoint but a stop still lands within seconds.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Longest output line kept, in bytes. Longer lines are cut in the log and never read as metrics, so a
    /// script that prints megabytes without a line break cannot exhaust the worker's memory.
    /// </summary>
    public int MaxLineBytes { get; init; } = 1024 * 1024;

    /// <summary>How many of the last output lines a failure reason quotes.</summary>
    public int FailureTailLines { get; init; } = 20;

    /// <summary>Each quoted line is cut to this many characters so the reason stays readable.</summary>
    public int FailureTailLineChars { get; init; } = 500;

    /// <summary>Most metric values taken from one JSON line; a guard against flooding the database from one line.</summary>
    public int MaxValuesPerRecord { get; init; } = 1000;

    /// <summary>
    /// How long to wait for the output pipes to close once the command's processes are gone. Only a process that
    /// left the run's process group (setsid, daemons) can keep them open; then the worker stops reading.
    /// </summary>
    public TimeSpan OutputDrainTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The unprivileged account commands run as (a root worker's default, see <see cref="RunAccount.ForThisWorker"/>);
    /// null: as the worker's own account. The attempt's output folder is handed to it.
    /// </summary>
    public RunAccount? RunAccount { get; init; }
}
