namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>
/// The seed's sparse interaction graph (<c>_build_sparse_graph</c>): directed edges i → j for every j ≠ i within
/// <c>radius</c>; where a node has more than <c>cap</c> candidates it keeps the <c>cap</c> with the largest helical weight
/// w_ij = cos(ω_ij(θᵢ − θⱼ)), θᵢ = 2π ln(i + 1)/ln(N + 1) (by node index), ω_ij = 0.3(1 + exp(−d_ij/radius)).
/// Candidates come from a uniform grid of cells one radius wide (27 cells per query), nodes in parallel, so 20,000
/// nodes take well under a second. Ties in weight go to the lower index (the seed's order among ties was numpy's
/// quicksort order over a KD-tree's candidate list). Each node's kept neighbours are listed by index.
/// </summary>
public sealed class NeighbourGraph
{
    private NeighbourGraph(int[] offsets, int[] targets, float[] distances)
    {
        Offsets = offsets;
        Targets = targets;
        Distances = distances;
    }

    /// <summary>Node i's edges are [Offsets[i], Offsets[i + 1]) of <see cref="Targets"/> and <see cref="Distances"/>.</summary>
    public int[] Offsets { get; }
    public int[] Targets { get; }
    public float[] Distances { get; }
    public int Nodes => Offsets.Length - 1;
    public long Edges => Targets.Length;

    /// <summary>Candidates each node had before the cap (for the sparsity figure and tests).</summary>
    public int[] CandidateCounts { get; private set; } = [];

    public int Degree(int i) => Offsets[i + 1] - Offsets[i];

    /// <summary>Source node of every edge, in edge order.</summary>
    public int[] Sources()
    {
        var sources = new int[Targets.Length];
        for (var i = 0; i < Nodes; i++) Array.Fill(sources, i, Offsets[i], Degree(i));
        return sources;
    }

    public static NeighbourGraph Build(double[] positions, double radius, int cap)
    {
        var n = positions.Length / 3;
        var cells = new CellGrid(positions, radius);
        var logN = Math.Log(n + 1.0);
        var theta = new double[n];
        for (var i = 0; i < n; i++) theta[i] = 2 * Math.PI * Math.Log(i + 1.0) / logN;
        var lists = new int[n][];
        var dists = new float[n][];
        var candidates = new int[n];
        Parallel.For(0, n, () => new Buffers(), (i, _, buffers) =>
        {
            var (found, squared) = (buffers.Found, buffers.Squared);
            found.Clear();
            squared.Clear();
            cells.Within(i, radius, found, squared);
            candidates[i] = found.Count;
            if (found.Count > cap) KeepByHelicalWeight(i, found, squared, radius, cap, theta, buffers);
            var order = found.ToArray();
            var d = new float[squared.Count];
            for (var c = 0; c < d.Length; c++) d[c] = (float)Math.Sqrt(squared[c]);
            Array.Sort(order, d);
            lists[i] = order;
            dists[i] = d;
            return buffers;
        }, _ => { });

        var offsets = new int[n + 1];
        for (var i = 0; i < n; i++) offsets[i + 1] = checked(offsets[i] + lists[i].Length);
        var targets = new int[offsets[n]];
        var distances = new float[offsets[n]];
        for (var i = 0; i < n; i++)
        {
            lists[i].CopyTo(targets, offsets[i]);
            dists[i].CopyTo(distances, offsets[i]);
        }
        return new NeighbourGraph(offsets, targets, distances) { CandidateCounts = candidates };
    }

    /// <summary>One worker thread's scratch space, reused from node to node.</summary>
    private sealed class Buffers
    {
        public List<int> Found { get; } = [];
        public List<double> Squared { get; } = [];
        public Ranked[] Ranked { get; set; } = [];
    }

    private readonly record struct Ranked(double Weight, int Index, double Squared)
    {
        /// <summary>Before <paramref name="other"/> when heavier, or as heavy with a lower index.</summary>
        public bool Precedes(Ranked other) => Weight > other.Weight || (Weight == other.Weight && Index < other.Index);
    }

    /// <summary>
    /// Keeps the <paramref name="cap"/> candidates with the largest helical weight (ties: lower index first). A
    /// quickselect finds them in linear time; a full sort of thousands of candidates per node would dominate the build.
    /// </summary>
    private static void KeepByHelicalWeight(int i, List<int> found, List<double> squared, double radius, int cap, double[] theta, Buffers buffers)
    {
        if (buffers.Ranked.Length < found.Count) buffers.Ranked = new Ranked[found.Count * 2];
        var ranked = buffers.Ranked.AsSpan(0, found.Count);
        for (var c = 0; c < ranked.Length; c++)
        {
            var j = found[c];
            var omega = 0.3 * (1 + Math.Exp(-Math.Sqrt(squared[c]) / radius));
            ranked[c] = new Ranked(Math.Cos(omega * (theta[i] - theta[j])), j, squared[c]);
        }
        SelectFirst(ranked, cap);
        found.Clear();
        squared.Clear();
        for (var c = 0; c < cap; c++)
        {
            found.Add(ranked[c].Index);
            squared.Add(ranked[c].Squared);
        }
    }

    /// <summary>Rearranges <paramref name="items"/> so that its first <paramref name="k"/> are the k that precede all others.</summary>
    private static void SelectFirst(Span<Ranked> items, int k)
    {
        int lo = 0, hi = items.Length - 1;
        while (lo < hi)
        {
            var pivot = items[lo + (hi - lo) / 2];
            int a = lo, b = hi;
            while (a <= b)
            {
                while (items[a].Precedes(pivot)) a++;
                while (pivot.Precedes(items[b])) b--;
                if (a > b) break;
                (items[a], items[b]) = (items[b], items[a]);
                a++;
                b--;
            }
            // [lo, b] precede-or-equal the pivot, [a, hi] follow-or-equal it.
            if (k - 1 <= b) hi = b;
            else if (k - 1 >= a) lo = a;
            else return;
        }
    }

    /// <summary>Nodes bucketed into cubic cells of side ≥ radius: a ball query visits the 27 cells around its node.</summary>
    private sealed class CellGrid
    {
        private readonly double[] _p;
        private readonly double _side;
        private readonly double _minX, _minY, _minZ;
        private readonly int _nx, _ny, _nz;
        private readonly int[] _start;   // cell c's nodes are _order[_start[c] .. _start[c + 1])
        private readonly int[] _order;

        public CellGrid(double[] positions, double radius)
        {
            _p = positions;
            var n = positions.Length / 3;
            double maxX = double.MinValue, maxY = double.MinValue, maxZ = double.MinValue;
            _minX = _minY = _minZ = double.MaxValue;
            for (var i = 0; i < n; i++)
            {
                _minX = Math.Min(_minX, positions[3 * i]); maxX = Math.Max(maxX, positions[3 * i]);
                _minY = Math.Min(_minY, positions[3 * i + 1]); maxY = Math.Max(maxY, positions[3 * i + 1]);
                _minZ = Math.Min(_minZ, positions[3 * i + 2]); maxZ = Math.Max(maxZ, positions[3 * i + 2]);
            }
            // At most ~n cells (a tiny radius must not make a huge grid); a side above the radius only adds candidates to test.
            var volume = Math.Max(1e-12, (maxX - _minX) * (maxY - _minY) * (maxZ - _minZ));
            _side = Math.Max(radius, Math.Cbrt(volume / Math.Max(1, n)));
            _nx = (int)((maxX - _minX) / _side) + 1;
            _ny = (int)((maxY - _minY) / _side) + 1;
            _nz = (int)((maxZ - _minZ) / _side) + 1;
            var cellOf = new int[n];
            _start = new int[_nx * _ny * _nz + 1];
            for (var i = 0; i < n; i++)
            {
                cellOf[i] = Cell(i);
                _start[cellOf[i] + 1]++;
            }
            for (var c = 0; c < _start.Length - 1; c++) _start[c + 1] += _start[c];
            var fill = (int[])_start.Clone();
            _order = new int[n];
            for (var i = 0; i < n; i++) _order[fill[cellOf[i]]++] = i;
        }

        private int Cell(int i)
        {
            var cx = (int)((_p[3 * i] - _minX) / _side);
            var cy = (int)((_p[3 * i + 1] - _minY) / _side);
            var cz = (int)((_p[3 * i + 2] - _minZ) / _side);
            return (cx * _ny + cy) * _nz + cz;
        }

        /// <summary>Every j ≠ i with ‖pᵢ − pⱼ‖ ≤ radius, with its squared distance.</summary>
        public void Within(int i, double radius, List<int> found, List<double> squared)
        {
            double x = _p[3 * i], y = _p[3 * i + 1], z = _p[3 * i + 2], r2 = radius * radius;
            var reach = (int)Math.Ceiling(radius / _side);
            int cx = (int)((x - _minX) / _side), cy = (int)((y - _minY) / _side), cz = (int)((z - _minZ) / _side);
            for (var ix = Math.Max(0, cx - reach); ix <= Math.Min(_nx - 1, cx + reach); ix++)
            for (var iy = Math.Max(0, cy - reach); iy <= Math.Min(_ny - 1, cy + reach); iy++)
            for (var iz = Math.Max(0, cz - reach); iz <= Math.Min(_nz - 1, cz + reach); iz++)
            {
                var c = (ix * _ny + iy) * _nz + iz;
                for (var k = _start[c]; k < _start[c + 1]; k++)
                {
                    var j = _order[k];
                    if (j == i) continue;
                    double dx = _p[3 * j] - x, dy = _p[3 * j + 1] - y, dz = _p[3 * j + 2] - z;
                    var d2 = dx * dx + dy * dy + dz * dz;
                    if (d2 <= r2)
                    {
                        found.Add(j);
                        squared.Add(d2);
                    }
                }
            }
        }
    }
}
