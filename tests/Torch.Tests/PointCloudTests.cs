namespace Dashboard.Torch.Tests;

/// <summary>
/// The radius queries (PointCloud) and the edge sums (EdgeSums) against loops written out here in the arithmetic they
/// promise: float32 squared distances ((Δx² + Δy²) + Δz², Δ = centre − point) compared with r² in float32, float64 sums.
/// On a CPU the API runs the ATen reference, which the GPU check (HhmlKernelChecks) then holds the kernels to.
/// </summary>
public class PointCloudTests
{
    private static float[] RandomPoints(Random random, int count) =>
        Enumerable.Range(0, count * 3).Select(_ => (float)random.NextDouble()).ToArray();

    private static float SquaredDistance(float[] centres, int b, float[] points, int j)
    {
        float dx = centres[3 * b] - points[3 * j], dy = centres[3 * b + 1] - points[3 * j + 1], dz = centres[3 * b + 2] - points[3 * j + 2];
        return dx * dx + dy * dy + dz * dz;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Radius_sums_add_the_stats_of_the_points_strictly_within_the_radius(bool excludeSelf)
    {
        using var scope = Torch.NewDisposeScope();
        var random = new Random(3);
        var points = RandomPoints(random, 300);
        var centreIndex = Enumerable.Range(0, 40).Select(i => i * 7).ToArray();        // centres that are points (distance 0 to themselves)
        var centres = centreIndex.SelectMany(i => points.Skip(3 * i).Take(3)).ToArray();
        var stats = Enumerable.Range(0, 300 * 4).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        const double radius = 0.3;
        var r2 = (float)(radius * radius);

        var sums = PointCloud.SumsWithinRadius(Tensor.From(points, [300, 3]), Tensor.From(centres, [40, 3]), Tensor.From(stats, [300, 4]), radius, excludeSelf)
            .ToArray<double>();

        var members = 0;
        for (var b = 0; b < 40; b++)
        for (var c = 0; c < 4; c++)
        {
            var expected = 0.0;
            for (var j = 0; j < 300; j++)
            {
                var d2 = SquaredDistance(centres, b, points, j);
                if (d2 < r2 && (!excludeSelf || d2 > 0))
                {
                    expected += stats[4 * j + c];
                    if (c == 0) members++;
                }
            }
            sums[4 * b + c].Should().BeApproximately(expected, 1e-12);
        }
        members.Should().BeGreaterThan(40 * 10, "the radius takes in several points per centre, so the sums test something");
    }

    [Fact]
    public void Radius_counts_say_how_many_centres_each_point_is_strictly_within()
    {
        using var scope = Torch.NewDisposeScope();
        var random = new Random(5);
        var points = RandomPoints(random, 200);
        var centres = RandomPoints(random, 30);
        const double radius = 0.25;
        var r2 = (float)(radius * radius);

        var counts = PointCloud.CountsWithinRadius(Tensor.From(points, [200, 3]), Tensor.From(centres, [30, 3]), radius).ToArray<long>();

        for (var j = 0; j < 200; j++)
            counts[j].Should().Be(Enumerable.Range(0, 30).Count(b => SquaredDistance(centres, b, points, j) < r2));
        counts.Sum().Should().BeGreaterThan(200);
    }

    [Fact]
    public void Inverse_distance_sums_add_each_requested_rows_edges()
    {
        using var scope = Torch.NewDisposeScope();
        // 4 nodes in compressed rows: 0 → {1, 2}, 1 → {}, 2 → {0, 1, 3}, 3 → {2}
        long[] offsets = [0, 2, 2, 5, 6];
        long[] sources = [0, 0, 2, 2, 2, 3];
        long[] targets = [1, 2, 0, 1, 3, 2];
        float[] distances = [0.5f, 1.0f, 1.0f, 0.25f, 2.0f, 2.0f];
        float[] values = [2f, 3f, 5f, 7f];
        long[] rows = [2, 1, 0, 2];

        var sums = EdgeSums.InverseDistance(Tensor.From(offsets), Tensor.From(sources), Tensor.From(targets), Tensor.From(distances),
            Tensor.From(values), Tensor.From(rows), 0.05).ToArray<float>();

        double Term(int e) => values[targets[e]] / (distances[e] + 0.05);
        double Row(long i) => Enumerable.Range((int)offsets[i], (int)(offsets[i + 1] - offsets[i])).Sum(Term);
        sums.Select(x => (double)x).Should().Equal(rows.Select(Row), (a, e) => Math.Abs(a - e) < 1e-5 * Math.Abs(e) + 1e-6);
        sums[1].Should().Be(0f, "a node without edges sums nothing");
    }
}
