using System.Threading.RateLimiting;

namespace Dashboard.Web.Access;

/// <summary>
/// Limits password guessing: a fixed window of N attempts per minute for each (client address, user name), and
/// 4N per minute for a user name from all addresses together, since a client address can be made up (a
/// trusted proxy's X-Forwarded-For is believed). ASP.NET Core's rate limiter primitives; every attempt counts,
/// right or wrong. The key is taken after the form is read, which the rate-limiting middleware (it partitions
/// before the body is read) cannot do.
/// </summary>
public sealed class SignInThrottle(AccessOptions options) : IDisposable
{
    private const string AnyClient = "*";
    private const int AnyClientFactor = 4;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.SignInAttemptsPerMinute) * (key.StartsWith(AnyClient + "|", StringComparison.Ordinal) ? AnyClientFactor : 1),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>True when this attempt may go ahead; otherwise how long until the next may.</summary>
    public bool TryAttempt(string client, string userName, out TimeSpan retryAfter) =>
        TryAcquire($"{client}|{userName}", out retryAfter) && TryAcquire($"{AnyClient}|{userName}", out retryAfter);

    private bool TryAcquire(string key, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(key);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
