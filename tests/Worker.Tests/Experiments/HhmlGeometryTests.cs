using Dashboard.Worker.Experiments.Hhml;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>
/// The strips' geometry and neighbour graph against closed forms and brute force: a periodic cubic spline is the one
/// C² periodic piecewise cubic through its knots, so interpolation and continuity of S, S′, S″ (across the seam too)
/// pin it down; node positions at u = 0 have a closed form; the graph is checked pair by pair.
/// </summary>
public sealed class HhmlGeometryTests
{
    [Fact]
    public void The_periodic_spline_interpolates_and_is_twice_continuous_across_every_knot_and_the_seam()
    {
        var (theta, phi, r) = TokamakStrips.Centreline(3);
        foreach (var (spline, values) in new[] { (theta, Theta(3)), (phi, Phi(3)), (r, Radius(3)) })
        {
            for (var i = 0; i <= 12; i++)
                spline.Evaluate(2 * Math.PI * i / 12).Should().BeApproximately(values[i % 12], 1e-12);
            for (var order = 0; order <= 2; order++)
            {
                // Across the seam: the value (order 0) of φ jumps back by design only in its control data, never in S.
                spline.Evaluate(2 * Math.PI, order).Should().BeApproximately(spline.Evaluate(0, order), 1e-9, $"order {order} at the seam");
                for (var i = 1; i < 12; i++)
                {
                    var knot = 2 * Math.PI * i / 12;
                    spline.Evaluate(knot - 1e-9, order).Should().BeApproximately(spline.Evaluate(knot + 1e-9, order), 1e-6, $"order {order} at knot {i}");
                }
            }
            // S′ is the derivative of S (central differences in float64).
            const double h = 1e-6;
            foreach (var u in new[] { 0.3, 1.7, 4.0, 6.1 })
                spline.Evaluate(u, 1).Should().BeApproximately((spline.Evaluate(u + h) - spline.Evaluate(u - h)) / (2 * h), 1e-6);
        }
    }

    private static double[] Theta(int k) => Enumerable.Range(0, 12).Select(i => Math.PI / 2 + (0.2 + 0.05 * k) * Math.Cos(2 * U(i) + k * Math.PI / 3)).ToArray();
    private static double[] Phi(int k) => Enumerable.Range(0, 12).Select(i => U(i) + 0.08 * Math.Sin(3 * U(i) + k * Math.PI / 4)).ToArray();
    private static double[] Radius(int k) => Enumerable.Range(0, 12).Select(i => (1 - 0.04 * k) * (1 + 0.03 * Math.Sin(U(i) + k * Math.PI / 6))).ToArray();
    private static double U(int i) => 2 * Math.PI * i / 12;

    [Fact]
    public void Nodes_follow_the_seeds_formula_and_the_half_twist_flips_the_strip_after_one_circuit()
    {
        const int strips = 4, n = 50;
        var geometry = TokamakStrips.Build(strips, n, kappa: 1.5, delta: 0.3, minorRadius: 0.06);
        geometry.Nodes.Should().Be(strips * n);
        geometry.Positions.Should().HaveCount(3 * strips * n);

        // Strip 0, u = 0: θ = π/2 + 0.2, φ = 0, r = 1; r_total = 1 + 0.06·(1 + 0.3); no vertical offset.
        var rTotal = 1 + 0.06 * 1.3;
        geometry.Positions[0].Should().BeApproximately(rTotal * Math.Cos(0.2), 1e-12);
        geometry.Positions[1].Should().BeApproximately(0, 1e-12);
        geometry.Positions[2].Should().BeApproximately(-rTotal * Math.Sin(0.2), 1e-12);
        // Strip 1 is flipped (D-shape outwards): r_total = r(0) − 0.06·1.3 at its u = 0.
        var r1 = (1 - 0.04) * (1 + 0.03 * Math.Sin(Math.PI / 6));
        var p1 = geometry.Positions.AsSpan(3 * n, 3).ToArray();
        Math.Sqrt(p1[0] * p1[0] + p1[1] * p1[1] + p1[2] * p1[2]).Should().BeApproximately(r1 - 0.06 * 1.3, 1e-12);

        for (var k = 0; k < strips; k++)
        {
            // After one circuit (u = 2π) the centreline is back where it started, but the half twist has turned the
            // node half way round the vertical axis: the horizontal part of its position changes sign, the height does not.
            var first = geometry.Positions.AsSpan(3 * k * n, 3).ToArray();
            var last = geometry.Positions.AsSpan(3 * (k * n + n - 1), 3).ToArray();
            last[0].Should().BeApproximately(-first[0], 1e-12);
            last[1].Should().BeApproximately(-first[1], 1e-12);
            last[2].Should().BeApproximately(first[2], 1e-12);
            Math.Abs(first[0]).Should().BeGreaterThan(0.1, "a sign flip of something non-zero");
        }
    }

    [Fact]
    public void The_neighbour_graph_is_every_pair_within_the_radius_capped_by_helical_weight()
    {
        var geometry = TokamakStrips.Build(3, 60, 1.5, 0.3, 0.06);
        const double radius = 0.5;
        const int cap = 25;
        var graph = NeighbourGraph.Build(geometry.Positions, radius, cap);
        var p = geometry.Positions;
        var n = geometry.Nodes;
        double Distance(int i, int j) => Math.Sqrt(Math.Pow(p[3 * i] - p[3 * j], 2) + Math.Pow(p[3 * i + 1] - p[3 * j + 1], 2) + Math.Pow(p[3 * i + 2] - p[3 * j + 2], 2));
        double Theta(int i) => 2 * Math.PI * Math.Log(i + 1.0) / Math.Log(n + 1.0);

        var capped = 0;
        for (var i = 0; i < n; i++)
        {
            var all = Enumerable.Range(0, n).Where(j => j != i && Distance(i, j) <= radius).ToList();
            graph.CandidateCounts[i].Should().Be(all.Count);
            var expected = all.Count <= cap ? all : all
                .OrderByDescending(j => Math.Cos(0.3 * (1 + Math.Exp(-Distance(i, j) / radius)) * (Theta(i) - Theta(j))))
                .ThenBy(j => j).Take(cap).Order().ToList();
            if (all.Count > cap) capped++;
            var kept = graph.Targets.AsSpan(graph.Offsets[i], graph.Degree(i)).ToArray();
            kept.Should().Equal(expected, $"node {i}");
            graph.Degree(i).Should().BeLessThanOrEqualTo(cap);
            for (var e = graph.Offsets[i]; e < graph.Offsets[i + 1]; e++)
                graph.Distances[e].Should().BeApproximately((float)Distance(i, graph.Targets[e]), 1e-6f);
        }
        capped.Should().BeGreaterThan(n / 4, "the cap must be exercised");
        graph.Sources().Should().HaveCount((int)graph.Edges);
    }
}
