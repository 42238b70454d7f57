namespace Dashboard.Domain.Families;

/// <summary>
/// The size of an hhml config by arithmetic alone (nothing allocated): parameters as the seed's
/// <c>MultiStripRNNAgent</c> has them, and the memory a training run needs, so a worker can refuse a run that cannot
/// fit its device before it allocates anything.
/// </summary>
public sealed record HhmlScale(int Strips, int NodesPerStrip, int Hidden, int Layers, int SamplesPerStrip, int MaxNeighbours)
{
    public const int ControlOutputs = 23;
    public static readonly int[] ControlWidths = [512, 256];

    public long Nodes => (long)Strips * NodesPerStrip;
    public long StateSize => (long)Strips * SamplesPerStrip * 2;

    /// <summary>PyTorch LSTM: 4H(I + H) + 8H for layer 1, 4H·2H + 8H for each later layer.</summary>
    public long LstmParameters => 4L * Hidden * (StateSize + Hidden) + 8L * Hidden + (Layers - 1) * (4L * Hidden * 2L * Hidden + 8L * Hidden);

    /// <summary>One Linear(H → n) per strip.</summary>
    public long StripHeadParameters => Strips * ((long)Hidden * NodesPerStrip + NodesPerStrip);

    /// <summary>Linear(H, 512), Linear(512, 256), Linear(256, 23).</summary>
    public long ControlHeadParameters =>
        (long)Hidden * ControlWidths[0] + ControlWidths[0] + (long)ControlWidths[0] * ControlWidths[1] + ControlWidths[1]
        + (long)ControlWidths[1] * ControlOutputs + ControlOutputs;

    public long ValueHeadParameters => Hidden + 1L;

    public long Parameters => LstmParameters + StripHeadParameters + ControlHeadParameters + ValueHeadParameters;

    /// <summary>
    /// Parameters that receive gradients: the loss −value·R reaches only the LSTM and the value head (the strip and
    /// control heads' outputs are read as numbers), so only they get gradients and Adam state.
    /// </summary>
    public long TrainedParameters => LstmParameters + ValueHeadParameters;

    /// <summary>The seed's sparse-graph rule: below 5,000 nodes radius 0.8 and cap min(1000, N/2); otherwise 0.6 and min(2000, ⌊20√N⌋).</summary>
    public static (double Radius, int MaxNeighbours) SeedNeighbourRule(long nodes) =>
        nodes < 5000 ? (0.8, (int)Math.Min(1000, nodes / 2)) : (0.6, (int)Math.Min(2000, (long)(Math.Sqrt(nodes) * 20)));

    /// <summary>Memory of a float32 training run on one device, in bytes, by part.</summary>
    public HhmlMemoryEstimate Memory()
    {
        const long f32 = 4;
        var edges = Nodes * Math.Min(MaxNeighbours, Math.Max(0, Nodes - 1));
        return new HhmlMemoryEstimate(
            Weights: Parameters * f32,
            Gradients: TrainedParameters * f32,
            Optimizer: 2 * TrainedParameters * f32,
            // Adam's denominator (one temporary per moment tensor) and cuDNN's flat copy of the LSTM weights and of
            // their gradient, which aten::lstm makes when the weights are separate tensors.
            Transient: TrainedParameters * f32 + 2 * LstmParameters * f32,
            // Positions, field, amplitudes, phases; the neighbour graph (two int64 indices and a float32 distance per
            // edge) and its per-cycle masks; the blocked distance tiles of the quality and annihilation passes.
            Environment: Nodes * 64 + edges * (8 + 8 + 4) * 2 + QualityTileBytes);
    }

    /// <summary>
    /// Working memory of one blocked N × N distance tile pass (float32 and float64 temporaries) where the radius queries
    /// run their ATen reference (Torch's PointCloud.TileElements, the same block; its CUDA kernel needs none of it).
    /// </summary>
    public const long QualityTileElements = 1L << 24;
    public const long QualityTileBytes = QualityTileElements * 48;
}

/// <summary>Bytes a run needs, by part; <see cref="Total"/> adds them up.</summary>
public sealed record HhmlMemoryEstimate(long Weights, long Gradients, long Optimizer, long Transient, long Environment)
{
    public long Total => Weights + Gradients + Optimizer + Transient + Environment;

    private static string Gb(long bytes) => (bytes / 1e9).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " GB";

    public override string ToString() =>
        $"{Gb(Total)} (weights {Gb(Weights)}, gradients {Gb(Gradients)}, Adam state {Gb(Optimizer)}, " +
        $"temporaries {Gb(Transient)}, environment {Gb(Environment)})";
}
