using Dashboard.Torch;
using Dashboard.Torch.NN;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.Harmonic.Gpt;

/// <summary>
/// nanoGPT's GPT (token and learned position embeddings, pre-LN blocks, final LayerNorm, head tied to the token
/// embedding, N(0, 0.02) init with residual projections at 0.02/√(2·n_layer)), with the harmonic blocks when the config
/// asks for them. Parameters are counted as nanoGPT's <c>get_num_params</c>: the position embedding excluded.
/// </summary>
public sealed class HarmonicGpt : Module<Tensor, Tensor>
{
    private readonly HarmonicConfig _config;
    private readonly Embedding _tokens, _positions;
    private readonly GptBlock[] _blocks;
    private readonly LayerNorm _final;

    public HarmonicGpt(HarmonicConfig config)
    {
        _config = config;
        _tokens = RegisterModule("wte", new Embedding(config.Vocab, config.Width, std: 0.02));
        _positions = RegisterModule("wpe", new Embedding(config.Context, config.Width, std: 0.02));
        _blocks = Enumerable.Range(0, config.Layers).Select(l => RegisterModule($"h.{l}", new GptBlock(config, l))).ToArray();
        _final = RegisterModule("ln_f", new LayerNorm(config.Width));
        Initialise();
    }

    public IReadOnlyList<GptBlock> Blocks => _blocks;

    /// <summary>nanoGPT's count: every parameter once (the head is the token embedding), the position embedding excluded.</summary>
    public long NonEmbeddingCount => ParameterCount() - _positions.Weight.NumEl;

    /// <summary>Token ids (B, T) → logits (B, T, vocab).</summary>
    public override Tensor Forward(Tensor ids) => Forward(ids, forcedWave: null);

    public Tensor Forward(Tensor ids, Tensor? forcedWave)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        long t = ids.Size(1);
        var positions = Dashboard.Torch.Torch.Arange(t, ScalarType.Int64, ids.Device);
        var x = F.Dropout(_tokens.Forward(ids) + _positions.Forward(positions), _config.Dropout, IsTraining);   // (B, T, C)
        var outputs = new List<Tensor>(_blocks.Length);
        foreach (var block in _blocks)
        {
            x = block.Forward(x, outputs, forcedWave);
            outputs.Add(x);
        }
        x = _final.Forward(x);
        return F.Linear(x, _tokens.Weight).MoveToOuterScope();                                 // (B, T, vocab)
    }

    /// <summary>Fraction of tokens in the wave sets and mean detector score over the last forward's attention layers.</summary>
    public (double WaveRatio, double MeanScore)? WaveStatistics()
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        if (WaveStatisticsOnDevice() is not { } statistics) return null;
        var values = statistics.ToArray<double>();
        return (values[0], values[1]);
    }

    /// <summary>
    /// <see cref="WaveStatistics"/> as a float32 tensor [wave ratio, mean score] on the model's device, without reading
    /// it on the host (so that a captured training step can return it); null without wave attention.
    /// </summary>
    public Tensor? WaveStatisticsOnDevice()
    {
        var selections = _blocks.Select(b => b.WaveAttention?.LastSelection).Where(s => s is not null).Select(s => s!.Value).ToList();
        if (selections.Count == 0) return null;
        var ratios = selections.Select(s => s.Wave.To(ScalarType.Float32).Mean()).ToArray();
        var scores = selections.Select(s => s.Scores.To(ScalarType.Float32).Mean()).ToArray();
        return Dashboard.Torch.Torch.Stack([Dashboard.Torch.Torch.Stack(ratios).Mean(), Dashboard.Torch.Torch.Stack(scores).Mean()]);
    }

    /// <summary>Each expert's share of tokens in the last forward, averaged over the MoE blocks; empty without MoE.</summary>
    public double[] ExpertLoad()
    {
        var loads = _blocks.Select(b => b.Experts?.LastLoad).Where(l => l is { Length: > 0 }).Select(l => l!).ToList();
        if (loads.Count == 0) return [];
        return Enumerable.Range(0, loads[0].Length).Select(e => loads.Average(l => l[e])).ToArray();
    }

    private void Initialise()
    {
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        var residualStd = 0.02 / Math.Sqrt(2.0 * _config.Layers);
        var residual = _blocks.SelectMany(b => b.ResidualProjections()).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var (_, module) in Walk(this))
        {
            if (module is not Linear linear) continue;
            using var weight = Init.Normal(linear.Weight.Shape, residual.Contains(linear) ? residualStd : 0.02);
            linear.Weight.CopyFrom(weight);
            linear.Bias?.Zero_();
        }
    }

    private static IEnumerable<(string, Module)> Walk(Module module)
    {
        foreach (var (name, child) in module.NamedChildren())
        {
            yield return (name, child);
            foreach (var item in Walk(child)) yield return item;
        }
    }
}
