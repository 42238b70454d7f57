using Dashboard.Torch;
using Dashboard.Torch.NN;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.Harmonic.Gpt;

/// <summary>
/// The write-up's wave-selective attention (spec §5.3): wave tokens attend globally (every earlier key), local tokens
/// to a window of the previous <c>window</c> keys and themselves. One masked attention call per layer, mask_t,j =
/// (j ≤ t) ∧ (t ∈ W ∨ t − j ≤ window), instead of the source's per-token loops. nanoGPT's c_attn / c_proj beside a
/// <see cref="WaveDetector"/>; its gradient comes through the straight-through gate on the output.
/// </summary>
public sealed class WaveSelectiveAttention : Module
{
    private readonly HarmonicConfig _config;
    private readonly Linear _qkv, _out;

    public WaveSelectiveAttention(HarmonicConfig config)
    {
        _config = config;
        _qkv = RegisterModule("c_attn", new Linear(config.Width, 3 * config.Width));
        _out = RegisterModule("c_proj", new Linear(config.Width, config.Width));
        Detector = RegisterModule("wave_detector", new WaveDetector(config.Width));
    }

    public WaveDetector Detector { get; }

    public Linear OutputProjection => _out;

    /// <summary>The last forward's wave set (B, T) and scores (B, T), detached, for the run's wave_ratio.</summary>
    public (Tensor Wave, Tensor Scores)? LastSelection { get; private set; }

    /// <summary>(B, T, C) → (B, T, C). <paramref name="forcedWave"/> (B, T) bool overrides the detector's choice (tests).</summary>
    public Tensor Forward(Tensor x, Tensor? forcedWave = null)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        long b = x.Size(0), t = x.Size(1), c = _config.Width, nh = _config.Heads, d = _config.HeadSize;
        var scores = Detector.Forward(x);                                           // (B, T)
        var wave = forcedWave ?? WaveDetector.Select(scores, _config);              // (B, T) bool
        Remember(wave, scores);

        var qkv = _qkv.Forward(x).Split(c, dim: 2);                                 // 3 × (B, T, C)
        var q = qkv[0].View(b, t, nh, d).Transpose(1, 2);                           // (B, nh, T, d)
        var k = qkv[1].View(b, t, nh, d).Transpose(1, 2);
        var v = qkv[2].View(b, t, nh, d).Transpose(1, 2);
        var mask = Mask(wave, _config.Window);                                      // (B, 1, T, T)
        var dropout = IsTraining ? _config.Dropout : 0.0;
        var y = F.ScaledDotProductAttention(q, k, v, mask, dropout);                // (B, nh, T, d)
        y = y.Transpose(1, 2).Contiguous().View(b, t, c);                           // (B, T, C)
        y = y * WaveDetector.StraightThrough(scores, wave);
        return F.Dropout(_out.Forward(y), dropout, IsTraining).MoveToOuterScope();
    }

    /// <summary>Keys each query may see: causal, and for local queries only the last <paramref name="window"/> + 1. (B, T) → (B, 1, T, T).</summary>
    public static Tensor Mask(Tensor wave, int window)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        long t = wave.Size(1);
        var positions = Dashboard.Torch.Torch.Arange(0, t, 1, ScalarType.Float32, wave.Device);   // float: exact to 2^24
        var distance = positions.Unsqueeze(1) - positions.Unsqueeze(0);             // t − j: (T, T)
        var causal = distance.Ge(0);
        var near = distance.Le(window);
        var local = (causal.To(ScalarType.Float32) * near.To(ScalarType.Float32)).Gt(0.5);   // (T, T)
        var global = causal.Unsqueeze(0).Unsqueeze(0);                              // (1, 1, T, T)
        var waveRows = wave.Unsqueeze(1).Unsqueeze(-1);                             // (B, 1, T, 1)
        return Dashboard.Torch.Torch.Where(waveRows, global, local.Unsqueeze(0).Unsqueeze(0)).MoveToOuterScope();
    }

    private void Remember(Tensor wave, Tensor scores)
    {
        if (LastSelection is { } last)
        {
            last.Wave.Dispose();
            last.Scores.Dispose();
        }
        LastSelection = (wave.Detach().DetachFromDisposeScope(), scores.Detach().DetachFromDisposeScope());
    }

    public override void Dispose()
    {
        if (LastSelection is { } last)
        {
            last.Wave.Dispose();
            last.Scores.Dispose();
            LastSelection = null;
        }
        base.Dispose();
    }
}
