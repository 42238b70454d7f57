using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Tests.Claims;

/// <summary>Seed 000's claims per mode, on as-run and intended runs shaped like our H200 benchmark's.</summary>
public sealed class HhmlSeedClaimsTests
{
    private static RunResult Run(long id, string mode, double minDensity, double minQuality, double maxRemoved, double maxReward, double firstReward) =>
        new(id, new JsonObject { ["mode"] = mode }, 0, RunState.Succeeded, new Dictionary<string, double> { ["reward"] = maxReward })
        {
            MinMetrics = new Dictionary<string, double> { ["density"] = minDensity, ["quality"] = minQuality },
            MaxMetrics = new Dictionary<string, double> { ["removed"] = maxRemoved, ["reward"] = maxReward },
            StepMetrics = new Dictionary<MetricAtStep, double> { [new MetricAtStep("reward", 1)] = firstReward },
        };

    [Fact]
    public void As_run_meets_the_table_claims_but_not_instant_convergence_and_intended_meets_none()
    {
        var verdicts = ClaimEvaluation.Evaluate(HhmlSeedClaims.PerMode,
                [Run(1, "as-run", 1, 1, 0, 1650, 1450), Run(2, "intended", 0.001, 0.2, 12, 900, 500)], new HhmlFamily().Divergence)
            .ToDictionary(v => v.Claim.Name);
        verdicts["density-100"].Outcome.Should().Be(ClaimOutcome.DoesNotHold, "intended's density falls to 0.1 %");
        verdicts["density-100"].Groups.Single(g => g.Label.EndsWith("as-run", StringComparison.Ordinal)).Value.Should().Be(1);
        verdicts["maximum-reward"].Groups.Single(g => g.Label.EndsWith("as-run", StringComparison.Ordinal)).Value.Should().Be(1650);
        verdicts["instant-convergence"].Outcome.Should().Be(ClaimOutcome.DoesNotHold, "cycle 1 scores 1,450, not 1,650");
    }
}
