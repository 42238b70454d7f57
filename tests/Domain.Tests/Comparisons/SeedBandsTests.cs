using Dashboard.Domain.Comparisons;

namespace Dashboard.Domain.Tests.Comparisons;

public sealed class SeedBandsTests
{
    // Three seeds logged on different step grids: every 10, every 5, and every 10 from step 5 to 25.
    private static readonly SeriesSample[] Runs =
    [
        new(1, [0, 10, 20], [1, 2, 3]),
        new(2, [0, 5, 10, 15, 20], [2, 2, 4, 4, 6]),
        new(3, [5, 15, 25], [0, 1, 5]),
    ];

    [Fact]
    public void Median_and_iqr_match_a_hand_computation_on_the_union_of_the_steps()
    {
        var band = SeedBands.Of("c", Runs, BandStatistic.MedianIqr, maxPoints: 100);
        band.Steps.Should().Equal(0, 5, 10, 15, 20, 25);
        // By hand: step 0: {1, 2} (run 3 starts at 5); 5: {1.5 (run 1 halfway 1→2), 2, 0}; 10: {2, 4, 0.5 (run 3 halfway 0→1)};
        // 15: {2.5, 4, 1}; 20: {3, 6, 3 (run 3 halfway 1→5)}; 25: {5} (runs 1 and 2 ended at 20: no extrapolation).
        band.Count.Should().Equal(2, 3, 3, 3, 3, 1);
        band.Center.Should().Equal(1.5, 1.5, 2, 2.5, 3, 5);
        band.Low.Should().Equal(1.25, 0.75, 1.25, 1.75, 3, 5);
        band.High.Should().Equal(1.75, 1.75, 3, 3.25, 4.5, 5);
        band.Min.Should().Equal(1, 0, 0.5, 1, 3, 5);
        band.Max.Should().Equal(2, 2, 4, 4, 6, 5);
    }

    [Fact]
    public void Mean_with_its_95_percent_interval_by_hand()
    {
        var band = SeedBands.Of("c", Runs, BandStatistic.MeanCi, maxPoints: 100);
        // Step 10: 0.5, 2, 4 → mean 13/6; s² = Σ(x − mean)² / 2 = 37/12; half-width t(0.975, 2)·s/√3.
        band.Center[2].Should().BeApproximately(13.0 / 6, 1e-12);
        (band.High[2] - band.Center[2]).Should().BeApproximately(4.303 * Math.Sqrt(37.0 / 12 / 3), 1e-9);
        // One seed: the interval collapses to the value.
        (band.Low[5], band.Center[5], band.High[5]).Should().Be((5.0, 5.0, 5.0));
    }

    [Fact]
    public void A_long_union_is_thinned_to_an_even_grid_and_non_finite_points_leave_the_band()
    {
        SeriesSample[] runs =
        [
            new(1, Enumerable.Range(0, 1001).Select(i => (long)i).ToArray(), Enumerable.Range(0, 1001).Select(i => (double)i).ToArray()),
            new(2, [0, 500, 600], [0, double.NaN, 600]),
        ];
        var band = SeedBands.Of("c", runs, BandStatistic.MedianIqr, maxPoints: 11);
        band.Steps.Should().Equal(0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000);
        // Run 2 is NaN at 500, so between 0 and 600 only its exact step 0 and 600 count; after 600 it has ended.
        band.Count.Should().Equal(2, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1);
        band.Center[6].Should().Be(600);
        band.Center[1].Should().Be(100);
    }
}
