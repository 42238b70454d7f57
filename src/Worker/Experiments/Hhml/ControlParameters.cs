namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>
/// The control head's 23 raw outputs mapped to their ranges (<c>map_control_params</c>, σ = sigmoid), then exploration
/// noise added to the mapped values (so they can leave their ranges, as in the seed).
/// </summary>
public sealed class ControlParameters
{
    public static readonly string[] Names =
    [
        "kappa", "delta", "vortex_target", "num_qec_layers", "damping", "nonlinearity", "amp_variance", "vortex_seed_strength",
        "omega", "diffusion_dt", "reset_strength", "sample_ratio", "max_neighbors_factor", "sparsity_threshold", "sparse_density",
        "spectral_weight", "winding_density", "twist_rate", "cross_coupling", "antivortex_strength", "annihilation_radius",
        "pruning_threshold", "preserve_ratio",
    ];

    private readonly double[] _values;

    private ControlParameters(double[] values) => _values = values;

    public double this[string name] => _values[Array.IndexOf(Names, name)];
    public IReadOnlyList<double> Values => _values;

    public double Damping => _values[4];
    public double Nonlinearity => _values[5];
    public double AmpVariance => _values[6];
    public double SampleRatio => _values[11];
    public double SparsityThreshold => _values[13];
    public double AntivortexStrength => _values[19];
    public double AnnihilationRadius => _values[20];
    public double PruningThreshold => _values[21];
    public double PreserveRatio => _values[22];

    /// <summary>Controls given directly by their mapped values (in <see cref="Names"/> order).</summary>
    public static ControlParameters FromValues(IReadOnlyList<double> values) =>
        values.Count == Names.Length ? new ControlParameters(values.ToArray())
            : throw new ArgumentException($"expected {Names.Length} control values, got {values.Count}");

    /// <param name="raw">The head's 23 outputs.</param>
    /// <param name="noise">23 draws of N(0, 1) times the cycle's ε·0.3, added after the mapping; null for none.</param>
    public static ControlParameters Map(IReadOnlyList<double> raw, IReadOnlyList<double>? noise = null)
    {
        if (raw.Count != Names.Length) throw new ArgumentException($"expected {Names.Length} control outputs, got {raw.Count}");
        static double S(double x) => 1 / (1 + Math.Exp(-x));
        var r = raw;
        var v = new[]
        {
            1 + S(r[0]), 0.5 * S(r[1]), 0.5 + 0.3 * S(r[2]), 1 + 9 * S(r[3]),
            0.01 + 0.19 * S(r[4]), 2 * Math.Tanh(r[5]), 0.1 + 2.9 * S(r[6]), S(r[7]),
            0.1 + 0.9 * S(r[8]), 0.01 + 0.49 * S(r[9]), S(r[10]),
            0.01 + 0.49 * S(r[11]), 0.1 + 1.9 * S(r[12]), 0.1 + 0.4 * S(r[13]),
            S(r[14]), S(r[15]),
            0.5 + 2 * S(r[16]), 0.5 + 1.5 * S(r[17]), S(r[18]),
            S(r[19]), 0.1 + 0.9 * S(r[20]), S(r[21]), 0.3 + 0.6 * S(r[22]),
        };
        if (noise is not null)
            for (var k = 0; k < v.Length; k++) v[k] += noise[k];
        return new ControlParameters(v);
    }
}
