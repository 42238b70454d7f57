using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Queue;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Queue;

public sealed class LeaseTests : QueueTestBase
{
    [Fact]
    public async Task An_expired_lease_is_rescued_and_the_run_is_claimed_again_with_the_attempt_counted()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command())).RunIds[0];
        var lost = await RegisterWorkerAsync();
        var first = (await Queue.ClaimAsync(lost, Cpu))!;
        first.Attempt.Should().Be(1);

        (await Queue.RescueExpiredLeasesAsync()).Should().Be(0, "the lease is still fresh");
        Clock.Advance(Options.LeaseDuration + TimeSpan.FromSeconds(1));
        (await Queue.RescueExpiredLeasesAsync()).Should().Be(1);
        (await StateOfAsync(run)).Should().Be("queued");

        var other = await RegisterWorkerAsync();
        var second = (await Queue.ClaimAsync(other, Cpu))!;
        second.RunId.Should().Be(run);
        second.Attempt.Should().Be(2);

        // The first worker comes back from the dead: it is fenced off.
        (await Queue.RenewAsync(first.Lease)).Should().Be(LeaseStatus.Lost);
        (await Queue.CompleteAsync(first.Lease, RunCompletion.Succeeded)).Should().BeNull();
        (await Queue.RenewAsync(second.Lease)).Should().Be(LeaseStatus.Held);
        (await Queue.CompleteAsync(second.Lease, RunCompletion.Succeeded)).Should().Be(RunState.Succeeded);
    }

    [Fact]
    public async Task A_run_out_of_attempts_fails_with_the_reason_recorded()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command(maxAttempts: 2))).RunIds[0];
        var worker = await RegisterWorkerAsync();
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            (await Queue.ClaimAsync(worker, Cpu))!.Attempt.Should().Be(attempt);
            Clock.Advance(Options.LeaseDuration * 2);
            (await Queue.RescueExpiredLeasesAsync()).Should().Be(1);
        }
        (await StateOfAsync(run)).Should().Be("failed");
        (await ScalarAsync<string>("SELECT failure_reason FROM runs WHERE id = $1", run))
            .Should().Contain("attempt 2 of 2").And.Contain("no attempts left");
        (await Queue.ClaimAsync(worker, Cpu)).Should().BeNull();
    }

    [Fact]
    public async Task Heartbeats_keep_a_lease_alive()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command())).RunIds[0];
        var claimed = (await Queue.ClaimAsync(await RegisterWorkerAsync(), Cpu))!;
        for (var i = 0; i < 5; i++)
        {
            Clock.Advance(Options.LeaseDuration * 0.6);
            (await Queue.RenewAsync(claimed.Lease, step: i * 10)).Should().Be(LeaseStatus.Held);
            (await Queue.RescueExpiredLeasesAsync()).Should().Be(0);
        }
        (await ScalarAsync<long>("SELECT step FROM runs WHERE id = $1", run)).Should().Be(40);
    }

    [Fact]
    public async Task A_retryable_failure_is_requeued_with_backoff_and_then_fails_when_attempts_are_exhausted()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command(maxAttempts: 2))).RunIds[0];
        var worker = await RegisterWorkerAsync();
        var first = (await Queue.ClaimAsync(worker, Cpu))!;
        (await Queue.CompleteAsync(first.Lease, RunCompletion.Failed("database hiccup", retryable: true)))
            .Should().Be(RunState.Queued);
        (await Queue.ClaimAsync(worker, Cpu)).Should().BeNull("the retry waits for its backoff");
        Clock.Advance(Options.RetryBackoffBase + TimeSpan.FromSeconds(1));
        var second = (await Queue.ClaimAsync(worker, Cpu))!;
        second.Attempt.Should().Be(2);
        (await Queue.CompleteAsync(second.Lease, RunCompletion.Failed("database hiccup", retryable: true)))
            .Should().Be(RunState.Failed);
        (await ScalarAsync<string>("SELECT failure_reason FROM runs WHERE id = $1", run)).Should().Be("database hiccup");
    }

    [Fact]
    public async Task A_released_run_goes_back_to_the_queue_without_spending_an_attempt()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command(maxAttempts: 1))).RunIds[0];
        var worker = await RegisterWorkerAsync();
        var claimed = (await Queue.ClaimAsync(worker, Cpu))!;
        (await Queue.ReleaseAsync(claimed.Lease, "worker shutting down")).Should().BeTrue();
        (await StateOfAsync(run)).Should().Be("queued");
        (await Queue.ClaimAsync(worker, Cpu))!.Attempt.Should().Be(1);
    }
}
