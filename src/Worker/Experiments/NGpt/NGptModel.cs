using Dashboard.Torch;
using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>
/// The language model: token embedding, a stack of blocks, and the head, untied (as the nGPT paper).
/// <code>
/// nGPT: h = E_in[x] (unit rows);  h = block(h) …;  logits = s_z ⊙ (E_out h)       cosine logits, scaled
/// GPT:  h = E_in[x];              h = block(h) …;  logits = E_out RMSNorm(h)
/// </code>
/// nGPT keeps every embedding and every weight vector along the width at unit norm: <see cref="Project"/> puts
/// them back on the sphere after an optimizer step (every step, or every N for lazy projection). Initialisation:
/// nGPT draws matrices from N(0, 1/C) and projects them; GPT draws N(0, 0.02²), the residual projections
/// N(0, 0.02²/(2·layers)) (GPT-2).
/// <para>
/// ngpt-seed, the seed's simplified nGPT (spec 001), with <see cref="SeedNGptBlock"/>s and learned positions P:
/// <code>
/// x = Norm(Norm(E_in[tokens]) + Norm(P[:T]));  x = block(x) …;  logits = logit_scale · Norm(x) Norm(E_out)ᵀ
/// </code>
/// E_out normalised by rows in every forward pass, logit_scale one learned scalar; PyTorch's default initialisation and no
/// projection before the first step; a projection normalises every matrix along its rows (dim −1).
/// </para>
/// </summary>
public sealed class NGptModel : Module<Tensor, Tensor>
{
    private const double GptInitStd = 0.02;
    private readonly NGptConfig _config;
    private readonly RotaryEmbedding _rotary;
    private readonly Embedding _embedding;
    private readonly List<NGptBlock> _normalized = [];
    private readonly List<GptBlock> _standard = [];
    private readonly List<SeedNGptBlock> _seed = [];
    private readonly Embedding? _positions;
    private readonly Tensor? _logitScale;
    private readonly RMSNorm? _finalNorm;
    private readonly Linear _head;
    private readonly Tensor? _sz;
    private readonly double _baseScale;

    public NGptModel(NGptConfig config)
    {
        _config = config;
        _baseScale = 1.0 / Math.Sqrt(config.Width);
        _rotary = RegisterModule("rotary", new RotaryEmbedding(config.HeadSize, config.Context));
        _embedding = RegisterModule("wte", new Embedding(config.Vocab, config.Width));
        for (var i = 0; i < config.Layers; i++)
        {
            if (config.IsSeed) _seed.Add(RegisterModule($"blocks.{i}", new SeedNGptBlock(config)));
            else if (config.Normalized) _normalized.Add(RegisterModule($"blocks.{i}", new NGptBlock(config, _rotary)));
            else _standard.Add(RegisterModule($"blocks.{i}", new GptBlock(config, _rotary)));
        }
        if (!config.Normalized) _finalNorm = RegisterModule("ln_f", new RMSNorm(config.Width));
        _head = RegisterModule("lm_head", new Linear(config.Width, config.Vocab, bias: false));
        // s_z stored as s·(1/√C)/logit_scale, used as stored·logit_scale·√C: it starts at logit_scale.
        if (config.IsSeed)
        {
            _positions = RegisterModule("wpe", new Embedding(config.Context, config.Width));
            _logitScale = RegisterParameter("logit_scale", Dashboard.Torch.Torch.Full([1], config.LogitScale));
        }
        else if (config.Normalized) _sz = RegisterParameter("sz", Dashboard.Torch.Torch.Full([config.Vocab], _baseScale));
        Initialise();
    }

    public NGptConfig Config => _config;

    private void Initialise()
    {
        if (_config.IsSeed) return;   // the seed keeps PyTorch's defaults (Embedding N(0, 1), Linear U(±1/√in)) and projects later
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        var std = _config.Normalized ? _baseScale : GptInitStd;
        foreach (var (_, p) in NamedParameters())
            if (p.Dim == 2) p.Normal_(0, std);
        foreach (var block in _standard)
            foreach (var w in block.OutputProjections()) w.Normal_(0, GptInitStd / Math.Sqrt(2 * _config.Layers));
        Project();
    }

    /// <summary>nGPT's unit-norm matrices with the dimension they are normalised along (empty for GPT).</summary>
    public IEnumerable<(Tensor Weight, int Dim)> UnitMatrices()
    {
        if (!_config.Normalized) yield break;
        if (_config.IsSeed)
        {
            foreach (var w in SeedEmbeddingsAndHead().Concat(_seed.SelectMany(b => b.Matrices()))) yield return (w, 1);
            yield break;
        }
        yield return (_embedding.Weight, 1);   // (V, C): each token's embedding
        yield return (_head.Weight, 1);        // (V, C): each token's output embedding
        foreach (var block in _normalized)
            foreach (var m in block.UnitMatrices()) yield return m;
    }

    public IReadOnlyList<NGptBlock> NormalizedBlocks => _normalized;

    /// <summary>
    /// Puts every unit-norm matrix back on the sphere, in place (nGPT; nothing for GPT): on CUDA with the fused kernels,
    /// all of them in one launch instead of two ops per matrix (<see cref="Fused.ProjectToSphere"/>).
    /// </summary>
    public void Project() => Fused.ProjectToSphere(UnitMatrices().ToList(), useKernel: _config.FusedKernels);

    /// <summary>Vectors held at unit norm, over all <see cref="UnitMatrices"/>.</summary>
    public long UnitVectorCount() => UnitMatrices().Sum(m => m.Weight.Size(1 - m.Dim));

    /// <summary>
    /// mean |‖w‖ − 1| over every unit-norm vector (rows or columns of length C), as a 0-dimensional float32 tensor on
    /// the model's device: how far the optimizer has moved the weights off the sphere since the last projection.
    /// No host synchronisation, so it can be part of a captured CUDA graph. Zero-dimensional zero for GPT.
    /// </summary>
    public Tensor WeightNormDeviation() => MeanDeviation(matrices => Fused.UnitDeviationSum(matrices, useKernel: _config.FusedKernels));

    /// <summary>
    /// The optimizer's step, then <see cref="WeightNormDeviation"/> and <see cref="Project"/> (the trainer's step when it
    /// projects after every step): one pass over the matrices where AdamW's kernel with the projection runs
    /// (<see cref="AdamW.StepProjecting"/>); otherwise the step, then one pass that measures each vector's norm once for
    /// both.
    /// </summary>
    public Tensor StepProjectingMeasuringDeviation(AdamW optimizer)
    {
        if (!UnitMatrices().Any())
        {
            optimizer.Step();
            return WeightNormDeviation();
        }
        return MeanDeviation(matrices => optimizer.StepProjecting(matrices, useKernel: _config.FusedKernels));
    }

    private Tensor MeanDeviation(Func<IReadOnlyList<(Tensor Weight, int Dim)>, Tensor> deviationSum)
    {
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var matrices = UnitMatrices().ToList();
        if (matrices.Count == 0) return Dashboard.Torch.Torch.Zeros([], device: _head.Weight.Device).MoveToOuterScope();
        var total = deviationSum(matrices) / UnitVectorCount();
        return total.To(ScalarType.Float32).MoveToOuterScope();
    }

    /// <summary>ngpt-seed's AdamW groups: the blocks' matrices (lr_weights), and everything else (lr_other) — embeddings, head, α, logit scale.</summary>
    public (List<Tensor> Matrices, List<Tensor> Others) SeedParameterGroups()
    {
        var matrices = _seed.SelectMany(b => b.Matrices()).ToHashSet(ReferenceEqualityComparer.Instance);
        return (Parameters().Where(matrices.Contains).ToList(), Parameters().Where(p => !matrices.Contains(p)).ToList());
    }

    private IEnumerable<Tensor> SeedEmbeddingsAndHead() => [_embedding.Weight, _positions!.Weight, _head.Weight];

    public override Tensor Forward(Tensor tokens)                                      // (B, T) int64
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var (h, head) = HiddenAndHead(tokens);
        return Functional.Linear(h, head, null).MoveToOuterScope();                    // (B, T, V)
    }

    /// <summary>
    /// The last hidden states (B, T, C) and the head's weight (V, C), logits = h · Wᵀ: what a chunked head and cross
    /// entropy (<see cref="LinearCrossEntropy"/>) takes instead of the logits.
    /// </summary>
    public (Tensor Hidden, Tensor HeadWeight) HiddenAndHead(Tensor tokens)
    {
        if (_config.IsSeed) return SeedHiddenAndHead(tokens);
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var h = TableRows.Embedding(_embedding.Weight, tokens, _config.FusedKernels);   // (B, T, C)
        foreach (var block in _normalized) h = block.Forward(h);
        foreach (var block in _standard) h = block.Forward(h);
        if (_finalNorm is not null) h = _finalNorm.Forward(h);
        // s_z ⊙ (E_out h) = (diag(s_z) E_out) h: scaling the (V, C) weight rows instead of the (B, T, V) logits
        // touches 1/(B·T/C) of the elements (5× fewer at the seed's shape) and drops a pass over the logits.
        var head = _sz is null
            ? _head.Weight.NewReference()
            : TableRows.Scaled(_head.Weight, _sz, _config.LogitScale / _baseScale, _config.FusedKernels);   // (V, C)
        return (h.MoveToOuterScope(), head.MoveToOuterScope());
    }

    /// <summary>The seed's forward up to its head: logits = s · Norm(x) · Norm(E_out)ᵀ, the scalar s folded into the head.</summary>
    private (Tensor Hidden, Tensor HeadWeight) SeedHiddenAndHead(Tensor tokens)       // (B, T) int64
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var positions = _positions!.Weight.Narrow(0, 0, tokens.Size(1));               // (T, C)
        var x = SeedNGptBlock.Norm(SeedNGptBlock.Norm(_embedding.Forward(tokens)) + SeedNGptBlock.Norm(positions));   // (B, T, C)
        foreach (var block in _seed) x = block.Forward(x);
        var head = SeedNGptBlock.Norm(_head.Weight) * _logitScale!;                    // (V, C), unit rows in every forward
        return (SeedNGptBlock.Norm(x).MoveToOuterScope(), head.MoveToOuterScope());
    }
}
