using System.Threading.RateLimiting;

namespace Dashboard.Web.Access;

/// <summary>
/// Limits password guessing: a fixed window of N attempts per minute for each (client address, user name),
/// with ASP.NET Core's rate limiter primitives. Every attempt counts, right or wrong. The key is taken after
/// the form is read, which the rate-limiting middleware (it partitions before the body is read) cannot do.
/// </summary>
public sealed class SignInThrottle(AccessOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.SignInAttemptsPerMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>True when this attempt may go ahead; otherwise how long until the next may.</summary>
    public bool TryAttempt(string key, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(key);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
