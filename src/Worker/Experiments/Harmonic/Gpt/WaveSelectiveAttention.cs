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
        var mask = Mask(wave, Window(t, x.Device));                                 // (B, 1, T, T)
        var dropout = IsTraining ? _config.Dropout : 0.0;
        var y = F.ScaledDotProductAttention(q, k, v, mask, dropout);                // (B, nh, T, d)
        y = y.Transpose(1, 2).Contiguous().View(b, t, c);                           // (B, T, C)
        if (Dashboard.Torch.Torch.IsGradEnabled) y = y * WaveDetector.StraightThrough(scores, wave);   // 1 going forward
        return F.Dropout(_out.Forward(y), dropout, IsTraining).MoveToOuterScope();
    }

    /// <summary>Keys each query may see: causal, and for local queries only the last <paramref name="window"/> + 1. (B, T) → (B, 1, T, T).</summary>
    public static Tensor Mask(Tensor wave, int window)
    {
        using var masks = CausalWindow.Of(wave.Size(1), window, wave.Device);
        return Mask(wave, masks);
    }

    private static Tensor Mask(Tensor wave, CausalWindow masks)
    {
        using var waveRows = wave.Unsqueeze(1).Unsqueeze(-1);                       // (B, 1, T, 1)
        return Dashboard.Torch.Torch.Where(waveRows, masks.Causal, masks.Local);
    }

    /// <summary>The (T, T) causal and causal-window masks, built once per sequence length and kept.</summary>
    private CausalWindow Window(long t, Device device)
    {
        if (_window is { } w && w.Length == t && w.Causal.Device == device) return w;
        _window?.Dispose();
        return _window = CausalWindow.Of(t, _config.Window, device);
    }

    private CausalWindow? _window;

    private sealed record CausalWindow(long Length, Tensor Causal, Tensor Local) : IDisposable
    {
        /// <summary>Causal (1, 1, T, T): j ≤ t; local (1, 1, T, T): t − window ≤ j ≤ t.</summary>
        public static CausalWindow Of(long t, int window, Device device)
        {
            using var scope = Dashboard.Torch.Torch.NewDisposeScope();
            var positions = Dashboard.Torch.Torch.Arange(0, t, 1, ScalarType.Float32, device);   // float: exact to 2^24
            var distance = positions.Unsqueeze(1) - positions.Unsqueeze(0);                      // t − j: (T, T)
            var causal = distance.Ge(0);
            var local = (causal.To(ScalarType.Float32) * distance.Le(window).To(ScalarType.Float32)).Gt(0.5);
            return new CausalWindow(t, causal.Unsqueeze(0).Unsqueeze(0).DetachFromDisposeScope(),
                local.Unsqueeze(0).Unsqueeze(0).DetachFromDisposeScope());
        }

        public void Dispose()
        {
            Causal.Dispose();
            Local.Dispose();
        }
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
        _window?.Dispose();
        _window = null;
        if (LastSelection is { } last)
        {
            last.Wave.Dispose();
            last.Scores.Dispose();
            LastSelection = null;
        }
        base.Dispose();
    }
}
