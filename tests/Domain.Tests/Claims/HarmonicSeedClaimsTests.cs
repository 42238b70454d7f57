using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Tests.Claims;

/// <summary>Seed 004's claims on its own table, and on the field trials our H200 run computed (docs/benchmarks.md).</summary>
public sealed class HarmonicSeedClaimsTests
{
    private static RunResult Field(long id, string config, double detection, double gaussian, double random, double speed, double rotation, double cv) =>
        new(id, new JsonObject { ["config"] = config, ["detector"] = "as-run" }, 0, RunState.Succeeded, new Dictionary<string, double>
        {
            ["detection_rate"] = detection, ["detection_rate/gaussian"] = gaussian, ["detection_rate/random"] = random,
            ["speed/mean"] = speed, ["rotation/mean"] = rotation, ["rotation/cv"] = cv,
        });

    private static Dictionary<string, ClaimVerdict> Evaluate(IReadOnlyList<ClaimDefinition> claims, params RunResult[] runs) =>
        ClaimEvaluation.Evaluate(claims, runs, new HarmonicFamily().Divergence).ToDictionary(v => v.Claim.Name);

    [Fact]
    public void The_write_ups_table_meets_its_own_scale_claims()
    {
        // The write-up's figures as runs (its per-family numbers are not given; 25 % read as one basin of four).
        var verdicts = Evaluate(HarmonicSeedClaims.SeedConfigs,
            Field(1, "small", 0.25, 0.25, 0.25, 1.24, 3274.72, 0.353),
            Field(2, "medium", 0.25, 0.25, 0.25, 1.30, 6839.19, 0.262),
            Field(3, "large", 0.25, 0.25, 0.25, 1.82, 16557.87, 0.171));
        foreach (var name in new[] { "25-percent-rule", "speed-rises", "cv-falls", "rotation-grows", "detection-family-independent" })
            verdicts[name].Outcome.Should().Be(ClaimOutcome.Holds, $"{name}: {verdicts[name].Reason}");
    }

    [Fact]
    public void Our_h200_field_runs_refute_the_25_percent_rule_and_show_detection_is_the_initial_condition()
    {
        // The second GPU run's summaries: small and medium detect spiral and random (50 %), large random only (25 %).
        var verdicts = Evaluate(HarmonicSeedClaims.SeedConfigs,
            Field(1, "small", 0.50, 0, 1, 0.8078, 3300, 0.34),
            Field(2, "medium", 0.50, 0, 1, 1.3033, 6700, 0.27),
            Field(3, "large", 0.25, 0, 1, 1.8247, 16500, 0.17));
        verdicts["25-percent-rule"].Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        verdicts["detection-family-independent"].Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        verdicts["random-always-detected"].Outcome.Should().Be(ClaimOutcome.Holds);
        verdicts["speed-rises"].Outcome.Should().Be(ClaimOutcome.Holds, "speed is D̄/20, and D̄ grows with the lattice");
    }

    [Fact]
    public void The_280x_slowdown_does_not_hold_when_harmonic_runs_at_half_the_standard_speed()
    {
        RunResult Gpt(long id, string model, double tokens) => new(id, new JsonObject { ["model"] = model }, 0, RunState.Succeeded,
            new Dictionary<string, double> { ["inference_tokens_per_sec"] = tokens });
        var verdicts = Evaluate(HarmonicSeedClaims.HarmonicVsGpt, Gpt(1, "standard", 1_268_074), Gpt(2, "harmonic", 722_941), Gpt(3, "harmonic-moe", 240_788));
        verdicts["harmonic-280x-slower"].Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        verdicts["harmonic-280x-slower"].Groups.Single().Value.Should().BeApproximately(722_941.0 / 1_268_074, 1e-9);
        var seeds = Evaluate(HarmonicSeedClaims.HarmonicVsGpt, Gpt(1, "standard", 286_751), Gpt(2, "harmonic", 1_033), Gpt(3, "harmonic-moe", 1_021));
        seeds.Values.Should().OnlyContain(v => v.Outcome == ClaimOutcome.Holds, "the write-up's own figures");
    }
}
