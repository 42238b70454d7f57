using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families.SympScale;
using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Tests.Claims;

/// <summary>Seed 003's claims on runs shaped like its locked 4-D result, and on a reproduction where the GRU stays bounded.</summary>
public sealed class SympScaleSeedClaimsTests
{
    private static RunResult Run(long id, string model, double mse, double residual = double.NaN) =>
        new(id, new JsonObject { ["model"] = model }, id, RunState.Succeeded, new Dictionary<string, double>
        {
            ["rollout/last100_mse"] = mse, ["conservation/residual_projected"] = residual,
        });

    private static Dictionary<string, ClaimVerdict> Evaluate(IEnumerable<RunResult> runs) =>
        ClaimEvaluation.Evaluate(SympScaleSeedClaims.Cr3bpReliability, runs.ToList(), new SympScaleFamily().Divergence)
            .ToDictionary(v => v.Claim.Name);

    [Fact]
    public void Runs_like_the_seeds_meet_its_claims()
    {
        double[] symp = [4.39, 5, 6, 7, 8, 9, 10, 11, 12, 14.48];
        double[] gru = [500, 1e4, double.NaN, 2e3, 300, 900, 20, 30, 40, 50];   // 6 above τ = 100 or not finite
        var runs = symp.Select((m, i) => Run(i + 1, "symp", m, 4e-11)).Concat(gru.Select((m, i) => Run(i + 11, "gru", m)));
        var verdicts = Evaluate(runs);
        verdicts.Values.Should().OnlyContain(v => v.Outcome == ClaimOutcome.Holds, string.Join("\n", verdicts.Values.Select(v => $"{v.Claim.Name}: {v.Reason}")));
    }

    [Fact]
    public void A_bounded_gru_refutes_the_divergence_and_ratio_claims()
    {
        var runs = Enumerable.Range(0, 10).Select(i => Run(i + 1, "symp", 8, 4e-11))
            .Concat(Enumerable.Range(0, 10).Select(i => Run(i + 11, "gru", 12)));
        var verdicts = Evaluate(runs);
        verdicts["gru-divergent"].Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        verdicts["mse-ratio"].Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        verdicts["symp-bounded"].Outcome.Should().Be(ClaimOutcome.Holds);
    }
}
