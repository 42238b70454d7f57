using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Tests;

public sealed class RunTransitionTests
{
    [Theory]
    [InlineData(RunState.Queued, RunState.Running)]
    [InlineData(RunState.Scheduled, RunState.Running)]
    [InlineData(RunState.Running, RunState.Diverged)]
    [InlineData(RunState.Running, RunState.Queued)]
    [InlineData(RunState.Queued, RunState.Cancelled)]
    public void Allowed_moves_pass(RunState from, RunState to) => RunTransitions.EnsureCanMove(1, from, to);

    [Theory]
    [InlineData(RunState.Succeeded, RunState.Running)]
    [InlineData(RunState.Cancelled, RunState.Queued)]
    [InlineData(RunState.Queued, RunState.Succeeded)]
    [InlineData(RunState.Failed, RunState.Failed)]
    public void Illegal_moves_are_rejected_with_a_clear_error(RunState from, RunState to)
    {
        var act = () => RunTransitions.EnsureCanMove(7, from, to);
        act.Should().Throw<IllegalRunTransitionException>()
            .WithMessage($"*7*{from.ToName()}*{to.ToName()}*");
    }

    [Fact]
    public void Every_state_has_a_name_that_parses_back()
    {
        foreach (var state in Enum.GetValues<RunState>())
            RunStateNames.Parse(state.ToName()).Should().Be(state);
        RunStateNames.All.Should().HaveCount(8);
    }
}
