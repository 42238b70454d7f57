using System.Diagnostics;
using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>
/// Runs the seed's oscillator trials, a batch of trials at a time on the device: the lattice's Laplacian modes once
/// (dense eigh), then per batch the initial fields projected onto the modes, the mode dynamics for all trials together,
/// rotation and lag correlations, and each trial's wave verdict.
/// </summary>
public sealed class FieldTrials : IDisposable
{
    private readonly HarmonicConfig _config;
    private readonly Device _device;

    public FieldTrials(HarmonicConfig config, Device device)
    {
        _config = config;
        _device = device;
        Lattice = Lattice.ForNodes(config.Nodes);
        var clock = Stopwatch.StartNew();
        Modes = LatticeModes.Compute(Lattice, config.Modes, device);
        if (device.IsCuda) Cuda.Synchronize(device.Index);
        EigenSeconds = clock.Elapsed.TotalSeconds;
        MeanDistance = Lattice.MeanPairDistance();
    }

    public Lattice Lattice { get; }
    public LatticeModes Modes { get; }
    public double MeanDistance { get; }
    public double EigenSeconds { get; }

    /// <summary>Trials [first, first + count): every trial's row.</summary>
    public IReadOnlyList<TrialResult> Run(long first, int count)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var randomised = _config.Detector == "corrected";
        var n = Lattice.Nodes;
        var fields = new float[(long)count * n];
        for (var i = 0; i < count; i++)
        {
            var trial = first + i;
            // One generator per trial (the seed reseeds torch with 42 + trial), offset by the run's seed.
            var random = new Random(unchecked((int)(42 + trial + 1_000_003L * _config.Seed)));
            var x = InitialConditions.Field(Lattice, InitialConditions.ForTrial(trial), randomised, random);
            for (var j = 0; j < n; j++) fields[(long)i * n + j] = (float)x[j];
        }
        var initial = Tensor.From(fields, [count, n], _device).MatMul(Modes.Vectors);      // a₀ = Vᵀx: (B, M)
        var amplitudes = ModeDynamics.Integrate(initial, Modes.Eigenvalues, _config.Timesteps);   // (B, T, M)
        var rotation = Rotation.Degrees(amplitudes);
        var correlations = _config.Activity == "spatial"
            ? LagCorrelations.FromActivity(amplitudes, Modes)
            : LagCorrelations.FromModes(amplitudes, Modes, n);
        var rows = new TrialResult[count];
        for (var i = 0; i < count; i++)
        {
            var verdict = randomised
                ? WaveDetection.Corrected(correlations[i], MeanDistance)
                : WaveDetection.AsRun(correlations[i], MeanDistance);
            rows[i] = new TrialResult(first + i, InitialConditions.ForTrial(first + i), rotation[i], verdict.HasWave, verdict.Speed);
        }
        return rows;
    }

    public void Dispose() => Modes.Dispose();
}
