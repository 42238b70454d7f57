using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;

namespace Dashboard.Domain.Tests;

public sealed class ExperimentRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 15, 0, 0, TimeSpan.Zero);

    private static ExperimentSubmission Parse(string json) =>
        ExperimentRequest.Parse(JsonNode.Parse(json), FamilyCatalogue.BuiltIn(), Now, new TimeOnly(22, 0), TimeZoneInfo.Utc);

    [Fact]
    public void A_minimal_request_gets_defaults()
    {
        var s = Parse("""{"family": "command", "config": {"command": "python3 train.py"}}""");
        s.Family.Name.Should().Be("command");
        s.Name.Should().StartWith("command ");
        s.NotBefore.Should().BeNull();
        s.MaxAttempts.Should().Be(3);
        s.Device.ToString().Should().Be("cpu");
    }

    [Fact]
    public void Tonight_is_the_next_evening_start()
    {
        Parse("""{"family": "command", "config": {"command": "x"}, "schedule": "tonight"}""").NotBefore
            .Should().Be(new DateTimeOffset(2026, 11, 22, 22, 0, 0, TimeSpan.Zero));
        ExperimentRequest.NextTonight(Now.AddHours(8), new TimeOnly(22, 0), TimeZoneInfo.Utc)
            .Should().Be(new DateTimeOffset(2026, 11, 23, 22, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_field()
    {
        var act = () => Parse("""{"family": "command", "config": {"total_steps": 0}, "device": "tpu", "priority": "high"}""");
        act.Should().Throw<InvalidInputException>().Which.Errors.Select(e => e.Field)
            .Should().Contain(["config.command", "config.total_steps", "device", "priority"]);
    }

    [Fact]
    public void A_bad_value_on_a_sweep_axis_is_caught_before_anything_is_queued()
    {
        var act = () => Parse("""{"family": "command", "config": {"command": "x"}, "sweep": {"axes": {"total_steps": [10, 0]}}}""");
        act.Should().Throw<InvalidInputException>().Which.Errors.Single().Field.Should().Be("sweep.axes.total_steps");
    }

    [Fact]
    public void A_placeholder_is_accepted_when_the_config_or_every_run_of_the_sweep_gives_it_a_value()
    {
        Parse("""{"family": "command", "config": {"command": "echo {lr} ${HOME} {print $1}", "lr": 0.1}}""");
        Parse("""{"family": "command", "config": {"command": "echo {lr}"}, "sweep": {"axes": {"lr": [0.1, 0.01]}}}""");
        Parse("""{"family": "command", "config": {"command": "echo {model.width}", "model": {"width": 8}}}""");
        var act = () => Parse("""{"family": "command", "config": {"command": "echo {lr} {depth} {lr}"}, "sweep": {"axes": {"depth": [1, 2]}}}""");
        var error = act.Should().Throw<InvalidInputException>().Which.Errors.Should().ContainSingle().Which;
        error.Field.Should().Be("config.command");
        error.Message.Should().StartWith("{lr} names no config value");
    }

    [Fact]
    public void An_empty_sweep_grid_is_refused_rather_than_read_as_one_run()
    {
        var act = () => Parse("""{"family": "command", "config": {"command": "true"}, "sweep": {"axes": {}}}""");
        act.Should().Throw<InvalidInputException>().Which.Errors.Single().Field.Should().Be("sweep.axes");
    }
}
