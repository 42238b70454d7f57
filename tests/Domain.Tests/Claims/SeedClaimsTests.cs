using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Tests.Claims;

/// <summary>Seeds 001 and 002's claims evaluated on stored results (Fixtures/*.json): the seeds' own tables, and runs like ours.</summary>
public sealed class SeedClaimsTests
{
    private static IReadOnlyList<RunResult> Fixture(string name)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Claims", "Fixtures", name)))!;
        static Dictionary<string, double> Numbers(JsonNode? node) => (node as JsonObject ?? [])
            .ToDictionary(p => p.Key, p => p.Value!.GetValueKind() == JsonValueKind.String
                ? double.Parse(p.Value.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
                : p.Value.GetValue<double>());
        return json["runs"]!.AsArray().Select((r, i) => new RunResult(i + 1, (JsonObject)r!["axes"]!.DeepClone(), i,
            RunStateNames.Parse(r["state"]!.GetValue<string>()), Numbers(r["final"])) { MaxMetrics = Numbers(r["max"]) }).ToList();
    }

    private static Dictionary<string, ClaimVerdict> Evaluate(IReadOnlyList<ClaimDefinition> claims, string fixture, ExperimentFamily family) =>
        ClaimEvaluation.Evaluate(claims, Fixture(fixture), family.Divergence).ToDictionary(v => v.Claim.Name);

    [Fact]
    public void Seed_001s_own_table_meets_every_one_of_its_claims()
    {
        var verdicts = Evaluate(NGptSeedClaims.OptimizationSweep, "001-seed-table.json", new NGptFamily());
        verdicts.Values.Should().OnlyContain(v => v.Outcome == ClaimOutcome.Holds, string.Join("\n", verdicts.Values.Select(v => $"{v.Claim.Name}: {v.Reason}")));
        verdicts["throughput-gain"].Groups.Single().Value.Should().BeApproximately(52_588.0 / 43_724, 1e-12);
        verdicts["delta-lazy_proj_10_scalar"].Groups.Single().Value.Should().BeApproximately((6.8646 - 6.9394) / 6.9394 * 100, 1e-9);
        verdicts["delta-lazy_proj_3"].Groups.Single().Value.Should().BeApproximately(-0.0663, 1e-3);
        verdicts["ranking"].Reason.Should().Contain("ρ = 1");
    }

    [Fact]
    public void Seed_001s_claims_on_a_half_done_two_seed_reproduction()
    {
        var verdicts = Evaluate(NGptSeedClaims.OptimizationSweep, "001-two-seeds-partial.json", new NGptFamily());
        // The running seed of the best config keeps everything that involves it open.
        verdicts["best-config"].Outcome.Should().Be(ClaimOutcome.NotYet);
        verdicts["ranking"].Outcome.Should().Be(ClaimOutcome.NotYet);
        verdicts["throughput-gain"].Outcome.Should().Be(ClaimOutcome.NotYet);
        verdicts["delta-lazy_proj_10_scalar"].RunsUnfinished.Should().Be(1);
        // Decided: lazy_proj_3 is worse than baseline (2.56 vs 2.52: +1.59 %); lazy_proj_10 better (2.485: −1.39 %).
        verdicts["delta-lazy_proj_3"].Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        verdicts["delta-lazy_proj_3"].Groups.Single().Value.Should().BeApproximately((2.56 - 2.52) / 2.52 * 100, 1e-9);
        verdicts["delta-lazy_proj_3"].DecidingRunIds.Should().Equal(3, 4, 1, 2);
        verdicts["delta-lazy_proj_10"].Outcome.Should().Be(ClaimOutcome.Holds);
        // A failed seed is no result; one seed remains, which the median takes (min_runs 1).
        verdicts["delta-scalar_alpha"].Outcome.Should().Be(ClaimOutcome.Holds);
        verdicts["delta-scalar_alpha"].Groups.Single().Lost.Should().Be(1);
    }

    [Fact]
    public void Seed_002s_own_table_meets_every_one_of_its_claims()
    {
        var verdicts = Evaluate(ResidualStreamsSeedClaims.DepthSweep, "002-seed-table.json", new ResidualStreamsFamily());
        verdicts.Values.Should().OnlyContain(v => v.Outcome == ClaimOutcome.Holds, string.Join("\n", verdicts.Values.Select(v => $"{v.Claim.Name}: {v.Reason}")));
        verdicts["hc-gain-doubles"].Groups.Single().Value.Should().BeApproximately(13.3 / 6.3, 1e-12);
        verdicts["hc-diverges-48"].Ours.Should().Be("1 of 1 diverged");
        verdicts["mhc-gain-flat"].Reason.Should().StartWith("spread 0.002 ≤ 0.05");
    }

    [Fact]
    public void Seed_002s_claims_on_three_seeds_shaped_like_the_port()
    {
        var verdicts = Evaluate(ResidualStreamsSeedClaims.DepthSweep, "002-port-three-seeds.json", new ResidualStreamsFamily());
        verdicts["mhc-gain-nonpositive"].Outcome.Should().Be(ClaimOutcome.Holds);
        verdicts["mhc-gain-value"].Outcome.Should().Be(ClaimOutcome.Holds);
        verdicts["mhc-gain-flat"].Outcome.Should().Be(ClaimOutcome.Holds);
        // HC grows (1.07 → 1.59 medians) but far from doubling (1.486 against 2.111 ± 15 %), and only one of three HC seeds diverges at 48.
        verdicts["hc-gain-grows"].Outcome.Should().Be(ClaimOutcome.Holds);
        verdicts["hc-gain-doubles"].Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        verdicts["hc-gain-doubles"].Groups.Single().Value.Should().BeApproximately(1.59 / 1.07, 1e-12);
        verdicts["hc-diverges-48"].Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        verdicts["hc-diverges-48"].Ours.Should().Be("1 of 3 diverged");
        // The diverged mHC seed at 48 layers (infinite loss) fails "bounded" and "no NaN/Inf events": counted, not dropped.
        verdicts["mhc-bounded"].Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        verdicts["mhc-bounded"].Reason.Should().Be("config=tiny_48l: 2 of 3 bounded is not every run");
        verdicts["mhc-no-nan"].Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        verdicts["baseline-bounded"].Outcome.Should().Be(ClaimOutcome.Holds);
        verdicts["baseline-loss-grows"].Outcome.Should().Be(ClaimOutcome.Holds);
        // mHC's median loss at 48 layers is 0.0071 (0.0068, 0.0071, +∞) against baseline's 0.0097: still lower.
        verdicts["mhc-loss-below-baseline"].Outcome.Should().Be(ClaimOutcome.Holds);
        verdicts["mhc-loss-below-baseline"].Groups.Last().Value.Should().BeApproximately(0.0071 - 0.0097, 1e-12);
    }
}
