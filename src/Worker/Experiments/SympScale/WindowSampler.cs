using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.SympScale;

/// <summary>
/// Training windows of k+1 consecutive states, drawn uniformly with replacement over (trajectory, start). The
/// draw of step s depends only on the run's seed and s, so a resumed run sees the batches it would have seen.
/// </summary>
public sealed class WindowSampler(int trajectories, int length, int window, int batch, long seed, Device device)
{
    /// <summary>A SplitMix64 finaliser of (seed, step): the same in every process (HashCode.Combine is randomised per process).</summary>
    public static int Mix(long seed, long step)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)step + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    /// <summary>(B, k+1, D) from the training tensor (N, L, D).</summary>
    public Tensor Batch(Tensor train, long step)
    {
        var random = new Random(Mix(seed, step));
        var which = new long[batch];
        var positions = new long[batch * (window + 1)];
        for (var b = 0; b < batch; b++)
        {
            which[b] = random.Next(trajectories);
            var start = random.Next(length - window);
            for (var i = 0; i <= window; i++) positions[b * (window + 1) + i] = start + i;
        }
        var n = Tensor.From(which, [batch, 1]).To(device);
        var t = Tensor.From(positions, [batch, window + 1]).To(device);
        return train.Index(n, t);
    }
}
