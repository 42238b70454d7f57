using Dashboard.Domain.Comparisons;

namespace Dashboard.Domain.Tests.Comparisons;

public sealed class SpreadTests
{
    [Fact]
    public void Four_values_interpolate_between_ranks()
    {
        // Positions p·(n−1): median 1.5 → 2.5; Q1 0.75 → 1 + 0.75·1; Q3 2.25 → 3 + 0.25·1.
        var spread = Spread.Of([4, 1, 3, 2])!;
        spread.Median.Should().Be(2.5);
        spread.Q1.Should().Be(1.75);
        spread.Q3.Should().Be(3.25);
        spread.Iqr.Should().Be(1.5);
        spread.Count.Should().Be(4);
    }

    [Fact]
    public void Six_values_match_numpys_default_percentiles()
    {
        // numpy.percentile([7, 15, 36, 39, 40, 41], [25, 50, 75]) = [20.25, 37.5, 39.75]
        var spread = Spread.Of([41, 7, 39, 15, 40, 36])!;
        spread.Q1.Should().Be(20.25);
        spread.Median.Should().Be(37.5);
        spread.Q3.Should().Be(39.75);
    }

    [Fact]
    public void An_odd_count_has_its_middle_value_as_median()
    {
        var spread = Spread.Of([3, 1, 2])!;
        (spread.Q1, spread.Median, spread.Q3).Should().Be((1.5, 2.0, 2.5));
    }

    [Fact]
    public void One_value_is_its_own_spread_and_non_finite_values_do_not_count()
    {
        Spread.Of([5])!.Should().Be(new Spread(5, 5, 5, 1));
        var spread = Spread.Of([1, double.NaN, 3, double.PositiveInfinity])!;
        (spread.Median, spread.Count).Should().Be((2.0, 2));
        Spread.Of([double.NaN]).Should().BeNull();
        Spread.Of([]).Should().BeNull();
    }
}
