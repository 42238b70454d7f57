using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Web.Editing;

namespace Dashboard.Web.Tests.Editing;

public sealed class ExperimentDraftTests
{
    private static readonly FamilyCatalogue Catalogue = FamilyCatalogue.BuiltIn();

    [Fact]
    public void A_command_sweep_typed_in_the_form_becomes_the_apis_request()
    {
        var draft = ExperimentDraft.For(Catalogue.Get("command"));
        draft.Fields["command"] = "python3 train.py --lr {lr}";
        draft.Fields["total_steps"] = "100";
        draft.Extras.Add(new ExperimentDraft.Parameter { Name = "lr", Value = "0.1" });
        draft.Extras.Add(new ExperimentDraft.Parameter { Name = "optimizer", Value = "adamw" });
        draft.Axes.Add(new ExperimentDraft.Axis { Path = "lr", Values = "0.1, 0.01" });
        draft.Seeds = "3";
        draft.Device = "cuda";
        draft.MinGpuMemoryGiB = "24";
        draft.TimeLimitMinutes = "90";
        draft.Priority = "5";
        draft.Tags = "baseline, lr sweep";
        draft.Name = " lr sweep ";

        var request = draft.ToRequest();

        JsonNode.DeepEquals(request, JsonNode.Parse("""
            {"name": "lr sweep", "family": "command",
             "config": {"command": "python3 train.py --lr {lr}", "total_steps": 100, "lr": 0.1, "optimizer": "adamw"},
             "sweep": {"axes": {"lr": [0.1, 0.01]}, "seeds": 3},
             "schedule": "now", "device": "cuda:24576", "priority": 5, "time_limit_seconds": 5400,
             "tags": ["baseline", "lr sweep"]}
            """)).Should().BeTrue(request.ToJsonString());
    }

    [Fact]
    public void A_request_read_back_into_the_form_gives_the_same_request()
    {
        var original = JsonNode.Parse("""
            {"name": "depth", "family": "residual-streams",
             "config": {"variant": "hc", "depth": 48, "learning_rate": 0.003, "steps": 200},
             "sweep": {"axes": {"depth": [12, 24, 48], "variant": ["baseline", "hc", "mhc"]}, "seeds": [0, 7]},
             "schedule": "tonight", "device": "cpu", "max_attempts": 5, "notes": "seed 002"}
            """)!.AsObject();

        var draft = ExperimentDraft.FromRequest(original, Catalogue);
        draft.Fields["depth"].Should().Be("48");
        draft.Axes.Select(a => (a.Path, a.Values)).Should().Equal(("depth", "12, 24, 48"), ("variant", "baseline, hc, mhc"));
        draft.Seeds.Should().Be("0, 7");
        draft.Schedule.Should().Be(ExperimentDraft.ScheduleKind.Tonight);

        var again = draft.ToRequest();
        // Defaults of untouched fields are written out; every given value survives, max_attempts included.
        again["config"]!["variant"]!.GetValue<string>().Should().Be("hc");
        again["config"]!["learning_rate"]!.GetValue<double>().Should().Be(0.003);
        again["config"]!["width"]!.GetValue<long>().Should().Be(64);
        JsonNode.DeepEquals(again["sweep"], original["sweep"]).Should().BeTrue(again["sweep"]!.ToJsonString());
        again["max_attempts"]!.GetValue<int>().Should().Be(5);
        again["notes"]!.GetValue<string>().Should().Be("seed 002");
        again["schedule"]!.GetValue<string>().Should().Be("tonight");
    }

    [Fact]
    public void A_preset_fills_the_config_and_the_sweep()
    {
        var family = Catalogue.Get("residual-streams");
        var draft = ExperimentDraft.For(family, family.Presets.Single(p => p.Name == "depth-sweep"));
        draft.Fields["steps"].Should().Be("200");
        draft.Axes.Select(a => a.Path).Should().Equal("variant");
        draft.Configs!.Select(c => c.Key).Should().Equal("tiny_12l", "tiny_24l", "tiny_48l");
        draft.ApplyPreset(null);
        draft.Fields["steps"].Should().Be("50");
        draft.Axes.Should().BeEmpty();
    }

    [Fact]
    public void A_preset_of_named_configs_keeps_them_in_the_request_and_back()
    {
        var family = Catalogue.Get("ngpt");
        var draft = ExperimentDraft.For(family, family.Presets.Single(p => p.Name == "optimization-sweep"));
        draft.Configs!.Select(c => c.Key).Should().HaveCount(7).And.StartWith("baseline");
        draft.Seeds = "2";
        var request = draft.ToRequest();
        request["sweep"]!["configs"]!["lazy_proj_10_scalar"]!["projection_every"]!.GetValue<int>().Should().Be(10);
        request["sweep"]!["seeds"]!.GetValue<long>().Should().Be(2);
        JsonNode.DeepEquals(ExperimentDraft.FromRequest(request, Catalogue).ToRequest()["sweep"], request["sweep"]).Should().BeTrue();
        draft.ApplyPreset(null);
        draft.Configs.Should().BeNull();
        draft.ToRequest().ContainsKey("sweep").Should().BeFalse();
    }

    [Fact]
    public void A_time_picked_in_the_browsers_zone_is_sent_with_that_zones_offset()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var draft = ExperimentDraft.For(Catalogue.Get("command"));
        draft.BrowserZone = zone;
        draft.Schedule = ExperimentDraft.ScheduleKind.At;
        draft.ScheduleAt = "2026-07-01T02:30";
        draft.ScheduleText().Should().Be("2026-07-01T02:30:00+02:00");
        draft.ScheduleAt = "2026-12-01T02:30";
        draft.ScheduleText().Should().Be("2026-12-01T02:30:00+01:00");

        var back = ExperimentDraft.FromRequest(draft.ToRequest(), Catalogue, zone);
        back.ScheduleAt.Should().Be("2026-12-01T02:30");
    }

    [Fact]
    public void Form_checks_catch_what_has_no_request_field_yet()
    {
        var draft = ExperimentDraft.For(Catalogue.Get("command"));
        draft.Schedule = ExperimentDraft.ScheduleKind.At;
        draft.TimeLimitMinutes = "-3";
        draft.Extras.Add(new ExperimentDraft.Parameter { Name = "total_steps", Value = "4" });
        draft.FormProblems().Select(p => p.Field).Should().BeEquivalentTo("schedule", "time_limit_seconds", "config.total_steps");
    }

    [Theory]
    [InlineData("12", 12L)]
    [InlineData("1e3", 1000.0)]
    [InlineData("abc", "abc")]
    public void Integer_text_reads_as_a_number_or_stays_text_for_validation_to_name(string text, object expected)
    {
        var value = FieldText.ToValue(ConfigFieldType.Integer, text)!;
        value.ToJsonString().Should().Be(JsonValue.Create(expected)!.ToJsonString());
        FieldText.ToValue(ConfigFieldType.Integer, "  ").Should().BeNull();
    }
}
