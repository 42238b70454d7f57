using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>
/// The seed's mode update for a batch of trials at once, in float32 so that overflow behaves as in the seed
/// (structured initial conditions put ~19 into a low mode; the cubic map diverges past ~14, to ±inf, then NaN):
/// <code>
/// a_t = a_{t−1} ⊙ exp(−diffusion · λ) − cubic · a_{t−1}³ + noise · ξ_t,   ξ_t ~ N(0, I_M)
/// </code>
/// </summary>
public static class ModeDynamics
{
    public const double Diffusion = 0.05;
    public const double Cubic = 0.01;
    public const double Noise = 0.02;

    /// <summary>Noise is drawn this many steps at a time: fewer launches, bounded memory.</summary>
    private const int NoiseChunk = 256;

    /// <summary>Every step's amplitudes, (B, T, M) float32, from a₀ (B, M). The noise comes from libtorch's generator (seed it first).</summary>
    public static Tensor Integrate(Tensor initial, Tensor eigenvalues, int timesteps)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        long b = initial.Size(0), m = initial.Size(1);
        var device = initial.Device;
        var amplitudes = Dashboard.Torch.Torch.Empty([b, timesteps, m], ScalarType.Float32, device);   // (B, T, M)
        var decay = (eigenvalues * -Diffusion).Exp();                                                  // (M)
        var a = initial.To(ScalarType.Float32);
        amplitudes.Select(1, 0).CopyFrom(a);
        Tensor? noise = null;
        for (var t = 1; t < timesteps; t++)
        {
            var offset = (t - 1) % NoiseChunk;
            if (offset == 0)
            {
                noise?.Dispose();
                var steps = Math.Min(NoiseChunk, timesteps - t);
                noise = Dashboard.Torch.Torch.Randn([steps, b, m], ScalarType.Float32, device) * Noise;    // (chunk, B, M)
                noise.DetachFromDisposeScope();
            }
            using var step = Dashboard.Torch.Torch.NewDisposeScope();
            var next = a * decay - a.Pow(3) * Cubic + noise!.Select(0, offset);
            amplitudes.Select(1, t).CopyFrom(next);
            var previous = a;
            a = next.MoveToOuterScope();
            previous.Dispose();   // else every step's (B, M) state lives to the end: as much again as the amplitudes
        }
        noise?.Dispose();
        return amplitudes.MoveToOuterScope();
    }
}
