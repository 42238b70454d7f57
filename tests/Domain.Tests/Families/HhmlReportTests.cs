using Dashboard.Domain.Families;

namespace Dashboard.Domain.Tests.Families;

public sealed class HhmlReportTests
{
    private static HhmlRunTrace Trace(long id, int strips, int hidden, Func<long, (double Density, double Quality, double Reward, double Removed)> cycle, int cycles = 60)
    {
        var points = Enumerable.Range(1, cycles).Select(n => (Cycle: (long)n, Values: cycle(n))).ToList();
        var series = new Dictionary<string, IReadOnlyList<(long, double)>>
        {
            ["density"] = points.Select(p => (p.Cycle, p.Values.Density)).ToList(),
            ["quality"] = points.Select(p => (p.Cycle, p.Values.Quality)).ToList(),
            ["reward"] = points.Select(p => (p.Cycle, p.Values.Reward)).ToList(),
            ["removed"] = points.Select(p => (p.Cycle, p.Values.Removed)).ToList(),
            ["cycles_at_target"] = points.Select(p => (p.Cycle, (double)p.Cycle)).ToList(),
        };
        return new HhmlRunTrace(id, "as-run", strips, 2000, hidden, 0, series, 0.1, 1000, cycles, false);
    }

    private static (double, double, double, double) AsRun(long n) => (1.0, 1.0, HhmlReport.AsRunReward(n), 0);

    [Fact]
    public void The_formula_trajectory_is_the_seeds_table_and_its_speedup_is_one()
    {
        var scaled = Trace(2, 10, 6144, AsRun);
        var baseline = Trace(1, 2, 512, AsRun);
        HhmlReport.CycleTable(scaled).Select(r => r.Reward).Should().Equal(HhmlReport.SeedCycleTable.Select(r => r.Reward),
            "Table 2 is R(n) = 1450 + min(200, 20(n − 1))");
        scaled.FirstMaximumCycle.Should().Be(11, "the seed's log showed it at 12 because it printed every third cycle");

        var claims = HhmlReport.Claims([baseline, scaled]).ToDictionary(c => c.Id);
        claims["density"].Verdict.Should().Be(HhmlVerdict.Holds);
        claims["quality"].Verdict.Should().Be(HhmlVerdict.Holds);
        claims["annihilations"].Verdict.Should().Be(HhmlVerdict.Holds);
        claims["maximum"].Verdict.Should().Be(HhmlVerdict.Holds);
        claims["maximum"].Ours.Should().Contain("cycle 11");
        claims["instant"].Verdict.Should().Be(HhmlVerdict.DoesNotHold);
        claims["speedup"].Verdict.Should().Be(HhmlVerdict.DoesNotHold);
        claims["speedup"].Ours.Should().Contain("1×");
    }

    [Fact]
    public void A_trajectory_whose_field_moves_fails_the_perfect_claims_and_a_lone_run_cannot_judge_the_speedup()
    {
        var scaled = Trace(3, 10, 6144, n => (0.4 + 0.001 * n, 0.7, 600, n % 7 == 0 ? 3 : 0));
        var claims = HhmlReport.Claims([scaled]).ToDictionary(c => c.Id);
        claims["density"].Verdict.Should().Be(HhmlVerdict.DoesNotHold);
        claims["density"].Ours.Should().Contain("40.1 %");
        claims["quality"].Verdict.Should().Be(HhmlVerdict.DoesNotHold);
        claims["annihilations"].Verdict.Should().Be(HhmlVerdict.DoesNotHold);
        claims["maximum"].Verdict.Should().Be(HhmlVerdict.DoesNotHold);
        claims["speedup"].Verdict.Should().Be(HhmlVerdict.NotMeasured);
        HhmlReport.Claims([]).Should().OnlyContain(c => c.Verdict == HhmlVerdict.NotMeasured);
    }
}
