using Dashboard.Domain.Runs;
using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Tests.Execution;

public class RunOutcomeTests
{
    [Fact]
    public void Each_outcome_leads_to_the_run_state_of_its_name()
    {
        RunOutcome.Succeeded().State.Should().Be(RunState.Succeeded);
        RunOutcome.Failed("x").State.Should().Be(RunState.Failed);
        RunOutcome.Diverged("x").State.Should().Be(RunState.Diverged);
        RunOutcome.Cancelled().State.Should().Be(RunState.Cancelled);
        RunOutcome.TimedOut("x").State.Should().Be(RunState.TimedOut);
    }

    [Fact]
    public void Failures_carry_their_reason()
    {
        RunOutcome.Failed("exit code 1").Should().Be(new RunOutcome(RunOutcomeKind.Failed, "exit code 1"));
        RunOutcome.Succeeded().Reason.Should().BeNull();
    }
}
