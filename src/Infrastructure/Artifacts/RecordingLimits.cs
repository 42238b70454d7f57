namespace Dashboard.Infrastructure.Artifacts;

/// <summary>
/// Bounds on recording a run's folder, so a run that writes millions of files or terabytes cannot hold its
/// worker (and its lease) for ever. Past a bound recording stops and the run's log says what was left out.
/// </summary>
public sealed record RecordingLimits
{
    /// <summary>Most files recorded per run.</summary>
    public int MaxFiles { get; init; } = 10_000;

    /// <summary>Most bytes hashed per recording (checkpoints are big: 64 GiB hashes in about a minute).</summary>
    public long MaxTotalBytes { get; init; } = 64L << 30;

    /// <summary>Longest a recording may take.</summary>
    public TimeSpan MaxTime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Deepest folder nesting walked.</summary>
    public int MaxDepth { get; init; } = 32;
}
