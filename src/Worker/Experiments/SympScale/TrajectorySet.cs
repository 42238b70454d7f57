using System.Diagnostics;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.SympScale.Systems;

namespace Dashboard.Worker.Experiments.SympScale;

/// <summary>
/// A system's reference trajectories (N × L × D, float64), generated once per (system, D, data seed, sizes) and
/// cached as a raw file under the data folder, so every run of a sweep reads the same data. Split by trajectory
/// into train and test; z-scored per coordinate with the train statistics.
/// </summary>
public sealed class TrajectorySet
{
    private TrajectorySet(double[] data, int trajectories, int length, int dim, int train, double seconds, bool cached)
    {
        Data = data;
        Trajectories = trajectories;
        Length = length;
        Dim = dim;
        TrainCount = train;
        GenerationSeconds = seconds;
        FromCache = cached;
        Mean = new double[dim];
        Std = new double[dim];
        var count = (double)train * length;
        for (var n = 0; n < train; n++)
            for (var t = 0; t < length; t++)
                for (var d = 0; d < dim; d++) Mean[d] += data[((long)n * length + t) * dim + d] / count;
        for (var n = 0; n < train; n++)
            for (var t = 0; t < length; t++)
                for (var d = 0; d < dim; d++)
                {
                    var x = data[((long)n * length + t) * dim + d] - Mean[d];
                    Std[d] += x * x / count;
                }
        for (var d = 0; d < dim; d++) Std[d] = Math.Max(Math.Sqrt(Std[d]), 1e-12);
    }

    /// <summary>Physical states, row-major (trajectory, time, coordinate).</summary>
    public double[] Data { get; }
    public int Trajectories { get; }
    public int Length { get; }
    public int Dim { get; }
    public int TrainCount { get; }
    public int TestCount => Trajectories - TrainCount;
    public double[] Mean { get; }
    public double[] Std { get; }
    public double GenerationSeconds { get; }
    public bool FromCache { get; }

    public static TrajectorySet Load(SympScaleConfig config, PhaseSystem system, string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, SystemCatalogue.DataKey(config) + ".f64");
        var count = (long)config.Trajectories * config.Length * config.Dim;
        if (File.Exists(path) && new FileInfo(path).Length == count * sizeof(double))
        {
            var bytes = File.ReadAllBytes(path);
            var cached = new double[count];
            Buffer.BlockCopy(bytes, 0, cached, 0, bytes.Length);
            return new TrajectorySet(cached, config.Trajectories, config.Length, config.Dim, config.TrainTrajectories, 0, true);
        }
        var clock = Stopwatch.StartNew();
        var data = Generate(config, system);
        var raw = new byte[data.Length * sizeof(double)];
        Buffer.BlockCopy(data, 0, raw, 0, raw.Length);
        // Written beside and moved into place: two workers generating at once both leave a whole file.
        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        File.WriteAllBytes(partial, raw);
        File.Move(partial, path, overwrite: true);
        return new TrajectorySet(data, config.Trajectories, config.Length, config.Dim, config.TrainTrajectories, clock.Elapsed.TotalSeconds, false);
    }

    /// <summary>Each trajectory from its own initial state; the initial states come from the data seed alone.</summary>
    public static double[] Generate(SympScaleConfig config, PhaseSystem system)
    {
        var random = new Random(unchecked((int)(config.DataSeed * 7919 + 17)));
        var initial = Enumerable.Range(0, config.Trajectories).Select(_ => system.InitialState(random)).ToArray();
        var data = new double[(long)config.Trajectories * config.Length * config.Dim];
        Parallel.For(0, config.Trajectories, n =>
        {
            var trajectory = system.Trajectory(initial[n], config.Length, config.DataDt);
            Array.Copy(trajectory, 0, data, (long)n * config.Length * config.Dim, trajectory.Length);
        });
        return data;
    }

    /// <summary>The largest |C(s_t) − C(s_0)| over every trajectory and sample: how well the reference conserves.</summary>
    public double MaxInvariantDrift(PhaseSystem system)
    {
        var worst = 0.0;
        for (var n = 0; n < Trajectories; n++)
        {
            var c0 = system.Invariant(State(n, 0));
            for (var t = 1; t < Length; t++) worst = Math.Max(worst, Math.Abs(system.Invariant(State(n, t)) - c0));
        }
        return worst;
    }

    public ReadOnlySpan<double> State(int trajectory, int t) => Data.AsSpan((int)(((long)trajectory * Length + t) * Dim), Dim);

    /// <summary>z-scored trajectories [first, first+count) as a (count, L, D) tensor.</summary>
    public Tensor Normalised(int first, int count, ScalarType dtype, Device device)
    {
        var z = new double[(long)count * Length * Dim];
        for (long i = 0; i < z.Length; i++)
        {
            var d = (int)(i % Dim);
            z[i] = (Data[(long)first * Length * Dim + i] - Mean[d]) / Std[d];
        }
        using var host = Tensor.From(z, [count, Length, Dim]);
        return host.To(device, dtype);
    }
}
