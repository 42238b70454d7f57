using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>
/// The <c>mlp</c> architecture (the earlier port): token embedding, a stack of residual layers, RMSNorm and a linear head. Baseline: one stream,
/// x ← x + f(x). HC / mHC: the embedding is copied into n streams, each layer is a <see cref="HyperConnection"/>,
/// and the streams are summed before the head.
/// </summary>
public sealed class ResidualStreamsModel : StreamsModel
{
    private readonly ResidualStreamsConfig _config;
    private readonly Embedding _embedding;
    private readonly List<FeedForwardBlock> _blocks = [];
    private readonly List<HyperConnection> _layers = [];
    private readonly RMSNorm _norm;
    private readonly Linear _head;

    public ResidualStreamsModel(ResidualStreamsConfig config)
    {
        _config = config;
        _embedding = RegisterModule("embedding", new Embedding(config.Vocab, config.Width, std: 0.02));
        for (var i = 0; i < config.Depth; i++)
        {
            if (config.Variant == "baseline")
                _blocks.Add(RegisterModule($"blocks.{i}", new FeedForwardBlock(config.Width)));
            else
                _layers.Add(RegisterModule($"layers.{i}", new HyperConnection(config.Width, config.Streams,
                    constrained: config.Variant == "mhc", config.SinkhornIterations, config.HcInitNoise)));
        }
        _norm = RegisterModule("norm", new RMSNorm(config.Width));
        _head = RegisterModule("head", new Linear(config.Width, config.Vocab, bias: false));
    }

    public override Tensor Forward(Tensor tokens)                          // (B, T) int64
    {
        var x = _embedding.Forward(tokens);                                 // (B, T, C)
        if (_config.Variant == "baseline")
        {
            foreach (var block in _blocks)
            {
                using var update = block.Forward(x);
                var next = x + update;
                x.Dispose();
                x = next;
            }
        }
        else
        {
            using var one = x.Unsqueeze(2);                                 // (B, T, 1, C)
            var streams = one.Expand(x.Size(0), x.Size(1), _config.Streams, _config.Width);   // (B, T, n, C)
            x.Dispose();
            using var mixings = HyperConnection.Mixings(_layers);           // (L, n, n)
            var h = mixings.Unbind();
            for (var i = 0; i < _layers.Count; i++)
            {
                var next = _layers[i].Forward(streams, h[i]);
                streams.Dispose();
                streams = next;
            }
            foreach (var layerMixing in h) layerMixing.Dispose();
            x = streams.Sum(2);                                             // (B, T, C)
            streams.Dispose();
        }
        using (x)
        {
            using var normed = _norm.Forward(x);
            return _head.Forward(normed);                                   // (B, T, vocab)
        }
    }

    /// <summary>
    /// The gain proxy of the mixings as this architecture parameterises them. A doubly stochastic product has entries in
    /// [0, 1], so mHC's is at most 0 (−0.602 = log10 1/4 when uniform, n = 4).
    /// </summary>
    public override double GainProxy() => LogMaxEntry(Mixings(), _config.Streams);

    public override Tensor? Mixings() => _layers.Count == 0 ? null : HyperConnection.Mixings(_layers);
}
