using Dashboard.Domain.Runs;

namespace Dashboard.Infrastructure.Queue;

/// <summary>What a cancel request found and left: a finished run keeps its state (Before == After).</summary>
public sealed record RunCancellation(RunState Before, RunState After);
