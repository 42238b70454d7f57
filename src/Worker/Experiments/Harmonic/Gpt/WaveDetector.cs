using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.Harmonic.Gpt;

/// <summary>
/// The write-up's per-token wave score, <c>Sequential(Linear(d, 128), GELU, Linear(128, 1), Sigmoid)</c>, and the wave
/// set it selects: per sequence the top <c>wave_fraction</c> of tokens (k = max(1, ⌊f·T⌋)), or every token whose score
/// passes <c>wave_threshold</c>. Top-k lets a token's mask depend on later tokens' scores (a small causality leak);
/// threshold selection is causal.
/// </summary>
public sealed class WaveDetector : Module<Tensor, Tensor>
{
    private static readonly Op ScatterValue = new("aten::scatter", "value");
    private readonly Linear _hidden, _score;

    public WaveDetector(int width)
    {
        _hidden = RegisterModule("0", new Linear(width, 128));
        _score = RegisterModule("2", new Linear(128, 1));
    }

    /// <summary>Scores s ∈ (0, 1): (B, T, C) → (B, T).</summary>
    public override Tensor Forward(Tensor x)
    {
        using var h = _hidden.Forward(x).Gelu();
        using var s = _score.Forward(h);                                       // (B, T, 1)
        using var sigmoid = s.Sigmoid();
        return sigmoid.Squeeze(-1);
    }

    /// <summary>Which tokens are wave tokens, (B, T) bool, from scores (B, T).</summary>
    public static Tensor Select(Tensor scores, HarmonicConfig config)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        if (config.WaveSelection == "threshold") return scores.Gt(config.WaveThreshold).MoveToOuterScope();
        long t = scores.Size(1);
        var k = Math.Max(1L, (long)Math.Floor(config.WaveFraction * t));
        var (_, top) = scores.TopK(k, dim: 1, sorted: false);                  // (B, k)
        var none = Dashboard.Torch.Torch.Zeros(scores.Shape, ScalarType.Bool, scores.Device);
        return ScatterValue.Call(none, 1L, top, 1.0).MoveToOuterScope();       // exactly k per sequence, ties or not
    }

    /// <summary>
    /// The straight-through multiplier that routes a gradient to the detector without changing the forward value:
    /// g = hard + s − stopgrad(s); wave tokens are scaled by g, local ones by 1 − g, both exactly 1 going forward.
    /// (B, T) → (B, T, 1).
    /// </summary>
    public static Tensor StraightThrough(Tensor scores, Tensor wave)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var hard = wave.To(scores.Dtype);
        var gate = hard + scores - scores.Detach();
        var factor = Dashboard.Torch.Torch.Where(wave, gate, 1.0 - gate);
        return factor.Unsqueeze(-1).MoveToOuterScope();
    }
}
