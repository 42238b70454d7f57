namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>
/// The seed's graph: a side×side periodic lattice, 4 neighbours, node id = i·side + j at position (x, y) = (j, i).
/// Its Laplacian L = D − A is symmetric with eigenvalues 4 − 2cos(2πp/side) − 2cos(2πq/side).
/// </summary>
public sealed record Lattice(int Side)
{
    /// <summary>The lattice for a requested node count, rounded down to a square as the seed does (1000 → 31×31).</summary>
    public static Lattice ForNodes(long nodes) => new((int)Math.Floor(Math.Sqrt(nodes)));

    public int Nodes => Side * Side;

    /// <summary>Dense row-major Laplacian, (N, N). Neighbours wrap around; on a 2-wide lattice both neighbours are one node, counted twice.</summary>
    public float[] Laplacian()
    {
        var n = Nodes;
        var l = new float[(long)n * n];
        for (var i = 0; i < Side; i++)
            for (var j = 0; j < Side; j++)
            {
                var node = i * Side + j;
                l[(long)node * n + node] = 4;
                foreach (var (di, dj) in new[] { (1, 0), (-1, 0), (0, 1), (0, -1) })
                {
                    var other = (i + di + Side) % Side * Side + (j + dj + Side) % Side;
                    l[(long)node * n + other] -= 1;
                }
            }
        return l;
    }

    /// <summary>Grid positions (x, y) = (j, i) of every node.</summary>
    public (double X, double Y) Position(int node) => (node % Side, node / Side);

    /// <summary>
    /// Mean Euclidean distance between grid positions over all N² ordered pairs, i = j included (the seed's
    /// <c>torch.cdist(pos, pos).mean()</c>). Exact, from the (side − |dx|)(side − |dy|) pairs at each offset.
    /// </summary>
    public double MeanPairDistance()
    {
        double total = 0;
        for (var dx = -(Side - 1); dx < Side; dx++)
            for (var dy = -(Side - 1); dy < Side; dy++)
                total += (double)(Side - Math.Abs(dx)) * (Side - Math.Abs(dy)) * Math.Sqrt((double)dx * dx + (double)dy * dy);
        return total / ((double)Nodes * Nodes);
    }
}
