using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>
/// The seed's models (spec 002, model_baseline.py / model_hc.py / model_mhc.py):
/// <code>
/// x = E[tokens] + P[:T]                    E ~ N(0, 1), P ~ N(0, 0.01²) learned    (B, T, C)
/// baseline: x = block(x) per layer         (the block returns x + attn + ff)
/// HC, mHC:  X = [x, …, x] (S copies)                                                (B, T, S, C)
///           X = layer(X) per layer         <see cref="SeedHyperConnection"/>
///           x = mean_s X_s                                                          (B, T, C)
/// logits = W_head LayerNorm(x)             no bias                                  (B, T, vocab)
/// </code>
/// </summary>
public sealed class SeedStreamsModel : StreamsModel
{
    private readonly ResidualStreamsConfig _config;
    private readonly Embedding _embedding;
    private readonly Tensor _positions;
    private readonly List<SeedBlock> _blocks = [];
    private readonly List<SeedHyperConnection> _layers = [];
    private readonly LayerNorm _norm;
    private readonly Linear _head;

    public SeedStreamsModel(ResidualStreamsConfig config)
    {
        _config = config;
        _embedding = RegisterModule("embed", new Embedding(config.Vocab, config.Width));
        _positions = RegisterParameter("pos", Init.Normal([config.SeqLen, config.Width], std: 0.01));
        for (var i = 0; i < config.Depth; i++)
        {
            if (config.Variant == "baseline")
                _blocks.Add(RegisterModule($"blocks.{i}", new SeedBlock(config.Width, config.Heads, config.FeedForward)));
            else
                _layers.Add(RegisterModule($"layers.{i}", new SeedHyperConnection(config)));
        }
        _norm = RegisterModule("ln_f", new LayerNorm(config.Width));
        _head = RegisterModule("head", new Linear(config.Width, config.Vocab, bias: false));
    }

    public IReadOnlyList<SeedHyperConnection> Layers => _layers;

    public override Tensor Forward(Tensor tokens)                           // (B, T) int64
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        long b = tokens.Size(0), t = tokens.Size(1);
        var x = _embedding.Forward(tokens) + _positions.Narrow(0, 0, t);   // (B, T, C)
        if (_layers.Count == 0)
        {
            foreach (var block in _blocks) x = block.Forward(x);
        }
        else
        {
            var streams = x.Unsqueeze(2).Expand(b, t, _config.Streams, _config.Width);   // (B, T, S, C)
            var pre = StreamMixer.Matrices(_layers.Select(l => l.Pre).ToList()).Unbind();    // L × (S, S)
            var post = StreamMixer.Matrices(_layers.Select(l => l.Post).ToList()).Unbind();
            var residual = StreamMixer.Matrices(_layers.Select(l => l.Residual).ToList()).Unbind();
            for (var i = 0; i < _layers.Count; i++)
                streams = _layers[i].Forward(streams, new SeedHyperConnection.Mixers(pre[i], post[i], residual[i]));
            x = streams.Mean(2);                                            // (B, T, C)
        }
        return _head.Forward(_norm.Forward(x)).MoveToOuterScope();          // (B, T, vocab)
    }

    public override double GainProxy() => LogMaxEntry(Mixings(), _config.Streams);

    public override Tensor? Mixings() =>
        _layers.Count == 0 ? null : StreamMixer.Matrices(_layers.Select(l => l.Residual).ToList());
}
