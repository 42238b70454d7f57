using System.Diagnostics;
using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>
/// The strips' state on the device (<c>SparseTokamakMobiusStrips</c>): node positions (float64 geometry cast to float32),
/// the neighbour graph as edge lists, per-node amplitudes (2.0), phases (U[0, 2π)), frequencies (N(1.5, 0.3²)) and the
/// complex field ψ as two real tensors. as-run starts ψ at zero, as the seed; intended at a·e^{iφ}.
/// Nodes run strip by strip: strip s holds nodes [s·n, (s + 1)·n). What changes from cycle to cycle (amplitudes, phases,
/// frequencies, ψ) is the module's buffers, so a checkpoint keeps it; the geometry and the graph are rebuilt.
/// </summary>
public sealed class StripEnvironment : Module
{
    private readonly Tensor[] _fixed;

    public StripEnvironment(HhmlConfig config, Device device)
    {
        Strips = config.Strips;
        NodesPerStrip = config.NodesPerStrip;
        Device = device;
        var clock = Stopwatch.StartNew();
        Geometry = TokamakStrips.Build(config.Strips, config.NodesPerStrip, config.Kappa, config.Delta, config.MinorRadius);
        GeometrySeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        Graph = NeighbourGraph.Build(Geometry.Positions, config.NeighbourRadius, config.MaxNeighbours);
        GraphSeconds = clock.Elapsed.TotalSeconds;

        using var scope = Torch.Torch.NewDisposeScope();
        var n = (long)Nodes;
        Positions = Tensor.From(Geometry.Positions, [n, 3]).To(device, ScalarType.Float32).DetachFromDisposeScope();
        using (var offsets = Tensor.From(Graph.Offsets)) EdgeOffsets = offsets.To(device, ScalarType.Int64).DetachFromDisposeScope();
        using (var src = Tensor.From(Graph.Sources())) EdgeSource = src.To(device, ScalarType.Int64).DetachFromDisposeScope();
        using (var dst = Tensor.From(Graph.Targets)) EdgeTarget = dst.To(device, ScalarType.Int64).DetachFromDisposeScope();
        using (var dist = Tensor.From(Graph.Distances)) EdgeDistance = dist.To(device).DetachFromDisposeScope();
        var degrees = new float[Nodes];
        for (var i = 0; i < Nodes; i++) degrees[i] = Graph.Degree(i);
        using (var deg = Tensor.From(degrees)) Degree = deg.To(device).DetachFromDisposeScope();

        Amplitudes = RegisterBuffer("amplitudes", Torch.Torch.Full([n], 2.0, device: device));
        Phases = RegisterBuffer("phases", Torch.Torch.Rand([n], device: device) * (2 * Math.PI));
        Frequencies = RegisterBuffer("frequencies", Torch.Torch.Randn([n], device: device) * 0.3 + 1.5);
        var start = config.Intended ? config.InitialAmplitude : 0.0;
        FieldRe = RegisterBuffer("field_re", Phases.Cos() * start);
        FieldIm = RegisterBuffer("field_im", Phases.Sin() * start);
        _fixed = [Positions, EdgeOffsets, EdgeSource, EdgeTarget, EdgeDistance, Degree];
    }

    public int Strips { get; }
    public int NodesPerStrip { get; }
    public int Nodes => Strips * NodesPerStrip;
    public Device Device { get; }
    public TokamakStrips Geometry { get; }
    public NeighbourGraph Graph { get; }
    public double GeometrySeconds { get; }
    public double GraphSeconds { get; }

    public Tensor Positions { get; }       // (N, 3) float32
    public Tensor EdgeOffsets { get; }     // (N + 1,) int64: node i's edges are [EdgeOffsets[i], EdgeOffsets[i + 1])
    public Tensor EdgeSource { get; }      // (E,) int64, sorted
    public Tensor EdgeTarget { get; }      // (E,) int64
    public Tensor EdgeDistance { get; }    // (E,) float32
    public Tensor Degree { get; }          // (N,) edges out of each node
    public Tensor Amplitudes { get; }      // (N,)
    public Tensor Phases { get; }          // (N,)
    public Tensor Frequencies { get; }     // (N,) drawn as the seed does; its sparse update never reads them
    public Tensor FieldRe { get; }         // (N,) Re ψ
    public Tensor FieldIm { get; }         // (N,) Im ψ

    /// <summary>|ψ| per node, (N,).</summary>
    public Tensor Magnitude() => (FieldRe.Square() + FieldIm.Square()).Sqrt();

    /// <summary>
    /// The agent's input (<c>encode_state</c>): per strip, |ψ| and arg ψ at <paramref name="samples"/> nodes drawn without
    /// replacement (zero-padded when the strip has fewer), ordered [mag₀, phase₀, mag₁, phase₁, …]: (1, S·2·samples).
    /// </summary>
    public Tensor EncodeState(int samples)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var drawn = Math.Min(samples, NodesPerStrip);
        // The top-k of uniform keys is a uniformly random subset in random order, like randperm(n)[:k], for all strips at once.
        var (_, local) = Torch.Torch.Rand([Strips, NodesPerStrip], device: Device).TopK(drawn, dim: 1);        // (S, k)
        var re = FieldRe.View(Strips, NodesPerStrip).Gather(1, local);                                         // (S, k)
        var im = FieldIm.View(Strips, NodesPerStrip).Gather(1, local);
        var magnitude = (re.Square() + im.Square()).Sqrt();
        var phase = HhmlOps.Atan2(im, re);
        var state = Torch.Torch.Stack([magnitude, phase], dim: 1);                                             // (S, 2, k)
        if (drawn < samples)
            state = Torch.Torch.Cat([state, Torch.Torch.Zeros([Strips, 2, samples - drawn], device: Device)], dim: 2);
        return state.Reshape(1, (long)Strips * 2 * samples).MoveToOuterScope();
    }

    /// <summary>as-run actions: strip s's amplitudes × (1 + 0.2·a_s[0]), its phases + 0.1·a_s[1] (only 2 of n head outputs).</summary>
    public void ApplyStripActions(float[,] firstTwo)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var factor = new float[Strips];
        var shift = new float[Strips];
        for (var s = 0; s < Strips; s++)
        {
            factor[s] = 1f + firstTwo[s, 0] * 0.2f;
            shift[s] = firstTwo[s, 1] * 0.1f;
        }
        Amplitudes.View(Strips, NodesPerStrip).Mul_(Tensor.From(factor, [Strips, 1], Device));
        Phases.View(Strips, NodesPerStrip).Add_(Tensor.From(shift, [Strips, 1], Device));
    }

    /// <summary>
    /// intended actions (PROPOSED, <c>train_multi_strip.py</c>'s rule): every head output moves its node's amplitude,
    /// A ← clamp(A + 0.05·amp_variance·a, 0.1, 5); strip phases shift by 0.1·a_s[1] as in as-run.
    /// </summary>
    public void ApplyNodeActions(Tensor actions, double ampVariance)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var noGrad = Torch.Torch.NoGrad();
        Amplitudes.Add_(actions.Reshape(-1), alpha: 0.05 * ampVariance).Clamp_(0.1, 5.0);
        Phases.View(Strips, NodesPerStrip).Add_(actions.Narrow(1, 1, 1) * 0.1);
    }

    /// <summary>
    /// The sparse wave-propagation step (<c>_sparse_wave_propagation</c>) on m = max(1, ⌊N·sample_ratio⌋) random nodes S:
    /// for i ∈ S, aᵢ = Σⱼ Aⱼ/(d_ij + 0.05) over i's edges, fᵢ = mᵢ − 0.1(degᵢ·mᵢ − aᵢ) with mᵢ = |ψᵢ| (dt is fixed at
    /// 0.1; diffusion_dt is ignored, as in the seed), f ← f(1 − damping) if damping > 0, f ← f + nl·f·m if |nl| > 0.01,
    /// and the update is f·e^{iφ}. Every edge of a sampled source is used, so aᵢ is its full edge sum. Omega and
    /// spectral_weight are accepted by the seed and unused. Returns the updates (re, im) and their node indices.
    /// </summary>
    public (Tensor Re, Tensor Im, Tensor Index) Propagate(double sampleRatio, double damping, double nonlinearity)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var m = Math.Max(1L, (long)(Nodes * sampleRatio));
        m = Math.Min(m, Nodes);
        var index = Torch.Torch.RandPerm(Nodes, Device).Narrow(0, 0, m);
        var adjacency = EdgeSums.InverseDistance(EdgeOffsets, EdgeSource, EdgeTarget, EdgeDistance, Amplitudes, index, 0.05);   // (m,) aᵢ
        var magnitude = Magnitude().IndexSelect(0, index);
        var f = magnitude - (Degree.IndexSelect(0, index) * magnitude - adjacency) * 0.1;
        if (damping > 0) f = f * (1.0 - damping);
        if (Math.Abs(nonlinearity) > 0.01) f = f + f * magnitude * nonlinearity;
        var phase = Phases.IndexSelect(0, index);
        return ((f * phase.Cos()).MoveToOuterScope(), (f * phase.Sin()).MoveToOuterScope(), index.MoveToOuterScope());
    }

    /// <summary>ψ[index] ← the update, NaN → 0, ±∞ → ±1 (what <c>train_multi_strip.py</c> does with the result).</summary>
    public void WriteBack(Tensor re, Tensor im, Tensor index)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        HhmlOps.IndexCopy_(FieldRe, index, HhmlOps.NanToNum(re, 0, 1, -1));
        HhmlOps.IndexCopy_(FieldIm, index, HhmlOps.NanToNum(im, 0, 1, -1));
    }

    public override void Dispose()
    {
        foreach (var t in _fixed) t.Dispose();
        base.Dispose();
    }
}
