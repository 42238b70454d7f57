using Dashboard.Domain.Runs;

namespace Dashboard.Infrastructure.Queue;

/// <summary>How an attempt ended. A retryable failure is requeued with backoff while attempts remain.</summary>
public sealed record RunCompletion(RunState State, string? Reason = null, bool Retryable = false)
{
    public static readonly RunCompletion Succeeded = new(RunState.Succeeded);
    public static RunCompletion Failed(string reason, bool retryable = false) => new(RunState.Failed, reason, retryable);
}
