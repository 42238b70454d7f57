using System.Text.Json.Nodes;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families.SympScale;
using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Tests.Families;

public sealed class SympScaleSummaryTests
{
    private static RunResult Run(long id, string model, long seed, double mse, double residual, RunState state = RunState.Succeeded,
        long dim = 4, double? bounded = null) =>
        new(id, new JsonObject { ["model"] = model, ["dim"] = dim }, seed, state, new Dictionary<string, double>
        {
            [SympScaleFamily.Keys.Last100Mse] = mse,
            [SympScaleFamily.Keys.Residual] = residual,
            [SympScaleFamily.Keys.ResidualProjected] = residual / 10,
            [SympScaleFamily.Keys.Bounded] = bounded ?? (double.IsFinite(mse) && mse <= 100 ? 1 : 0),
            [SympScaleSummary.ParametersKey] = model == "symp" ? 25_525 : 25_540,
            [SympScaleSummary.ParametersSympKey] = 25_525,
            [SympScaleSummary.ParametersGruKey] = 25_540,
        });

    [Fact]
    public void Runs_pair_by_seed_into_counts_a_ratio_median_with_infinite_divergers_and_a_t_interval()
    {
        // Seeds 1..4: symp MSE 2, 4, 8, 10; gru MSE 4, 400 (divergent), ∞ (divergent), 10.
        var runs = new List<RunResult>
        {
            Run(1, "symp", 1, 2, 1e-11), Run(2, "symp", 2, 4, 2e-11), Run(3, "symp", 3, 8, 3e-11), Run(4, "symp", 4, 10, 4e-11),
            Run(5, "gru", 1, 4, 1e-3), Run(6, "gru", 2, 400, 1e-2), Run(7, "gru", 3, double.PositiveInfinity, double.NaN), Run(8, "gru", 4, 10, 2e-3),
            Run(9, "gru", 5, 1, 1e-3, RunState.Running),
        };
        var rows = SympScaleSummary.Build(new JsonObject { ["system"] = "cr3bp" }, runs);
        var row = rows.Should().ContainSingle().Subject;
        row.IsAnchor.Should().BeTrue();
        row.Models["symp"].Bounded.Should().Be(4);
        row.Models["gru"].Finished.Should().Be(4, "the running seed-5 run is not a result yet");
        row.Models["gru"].Divergent.Should().Be(2);
        // Ratios 2, 100, ∞, 1 → sorted 1, 2, 100, ∞: median 51, Q1 = 1.75, Q3 = ∞ (type-7 interpolation).
        row.Ratio!.Median.Should().Be(51);
        row.Ratio.Q1.Should().Be(1.75);
        row.Ratio.Q3.Should().Be(double.PositiveInfinity);
        row.Ratio.Pairs.Should().Be(4);
        // Residuals 1..4e-11: mean 2.5e-11, s = 1.291e-11, t(3) = 3.182 → half-width 2.054e-11.
        row.Models["symp"].Residual!.Mean.Should().BeApproximately(2.5e-11, 1e-24);
        row.Models["symp"].Residual!.HalfWidth.Should().BeApproximately(3.182 * 1.2909944e-11 / 2, 1e-15);
        row.ParameterRatio.Should().BeApproximately(25_525.0 / 25_540, 1e-12);
        row.Models["symp"].MinMse.Should().Be(2);
        row.Models["symp"].MaxMse.Should().Be(10);
    }

    [Fact]
    public void Rows_follow_the_swept_dimension_and_a_training_divergence_counts_as_divergent()
    {
        var runs = new List<RunResult>
        {
            Run(1, "symp", 1, 3, 1e-12, dim: 16), Run(2, "gru", 1, 3, 1e-3, RunState.Diverged, dim: 16),
            Run(3, "symp", 1, 3, 1e-12, dim: 4), Run(4, "gru", 1, 6, 1e-3, dim: 4),
        };
        var rows = SympScaleSummary.Build(new JsonObject { ["system"] = "fput-beta" }, runs);
        rows.Select(r => r.Dim).Should().Equal(4, 16);
        rows[1].Models["gru"].Divergent.Should().Be(1);
        rows[1].Ratio!.Median.Should().Be(double.PositiveInfinity, "a GRU that diverged in training has no finite ratio");
        rows[0].Ratio!.Median.Should().Be(2);
        rows[0].IsAnchor.Should().BeFalse("FPUT is not the seed's anchor");
    }

    [Fact]
    public void The_t_interval_matches_a_hand_computation()
    {
        var m = MeanInterval.Of([1, 2, 3, 4, 5])!;
        m.Mean.Should().Be(3);
        m.HalfWidth.Should().BeApproximately(2.776 * Math.Sqrt(2.5) / Math.Sqrt(5), 1e-12);
        MeanInterval.Of([double.NaN]).Should().BeNull();
        double.IsNaN(MeanInterval.Of([7])!.HalfWidth).Should().BeTrue();
    }
}
