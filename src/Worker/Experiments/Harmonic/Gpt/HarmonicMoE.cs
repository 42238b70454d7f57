using Dashboard.Torch;
using Dashboard.Torch.NN;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.Harmonic.Gpt;

/// <summary>
/// The write-up's harmonic mixture of experts (spec §5.4), in place of a block's MLP: E nanoGPT MLPs, a router
/// Linear(d, E) and a wave detector of its own. Wave tokens go to their top-1 expert, scaled by its router
/// probability; every other token goes to expert 0, the cheap default. Tokens are dispatched per expert with gather
/// (index_select) and scatter (index_add): one batched call per expert, no per-token loop.
/// </summary>
public sealed class HarmonicMoE : Module
{
    private readonly HarmonicConfig _config;
    private readonly MLP[] _experts;
    private readonly Linear _router;

    public HarmonicMoE(HarmonicConfig config)
    {
        _config = config;
        _experts = Enumerable.Range(0, config.Experts)
            .Select(e => RegisterModule($"experts.{e}", new MLP(config.Width, config.Dropout))).ToArray();
        _router = RegisterModule("router", new Linear(config.Width, config.Experts));
        Detector = RegisterModule("wave_detector", new WaveDetector(config.Width));
    }

    public WaveDetector Detector { get; }

    public IReadOnlyList<MLP> Experts => _experts;

    /// <summary>Fraction of the last forward's tokens each expert served.</summary>
    public double[] LastLoad { get; private set; } = [];

    /// <summary>(B, T, C) → (B, T, C). <paramref name="forcedWave"/> (B, T) bool overrides the detector's choice (tests).</summary>
    public Tensor Forward(Tensor x, Tensor? forcedWave = null)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        long b = x.Size(0), t = x.Size(1), c = _config.Width;
        var scores = Detector.Forward(x);                                           // (B, T)
        var wave = forcedWave ?? WaveDetector.Select(scores, _config);              // (B, T) bool
        var tokens = x.Reshape(b * t, c);                                           // (N, C)
        var probabilities = F.Softmax(_router.Forward(tokens), -1);                 // (N, E)
        var (top, choice) = probabilities.Max(1);                                   // (N), (N)
        var isWave = wave.Reshape(b * t);
        var expert = Dashboard.Torch.Torch.Where(isWave, choice, Dashboard.Torch.Torch.ZerosLike(choice));            // (N)
        var weight = Dashboard.Torch.Torch.Where(isWave, top, Dashboard.Torch.Torch.OnesLike(top)).Unsqueeze(1);      // (N, 1)

        // Tokens sorted by expert, and one host read of the counts: each expert's tokens are a contiguous range.
        var (_, order) = expert.Sort(0);                                                     // (N)
        var counts = expert.OneHot(_experts.Length).Sum(0).Cpu().ToArray<long>();             // (E)
        var output = Dashboard.Torch.Torch.ZerosLike(tokens);
        var load = new double[_experts.Length];
        long offset = 0;
        for (var e = 0; e < _experts.Length; e++)
        {
            load[e] = counts[e] / (double)(b * t);
            if (counts[e] == 0) continue;
            var index = order.Narrow(0, offset, counts[e]);                                  // tokens of expert e: (n_e)
            offset += counts[e];
            var routed = _experts[e].Forward(tokens.IndexSelect(0, index)) * weight.IndexSelect(0, index);   // (n_e, C)
            output = output.IndexAdd(0, index, routed);
        }
        LastLoad = load;
        var y = output.View(b, t, c);
        if (Dashboard.Torch.Torch.IsGradEnabled) y = y * WaveDetector.StraightThrough(scores, wave);   // 1 going forward
        return y.MoveToOuterScope();
    }
}
