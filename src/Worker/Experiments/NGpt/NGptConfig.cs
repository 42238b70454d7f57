using System.Text.Json.Nodes;
using Dashboard.Domain.Families;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>A run's config as typed values (the family record in Domain has validated and defaulted it).</summary>
public sealed record NGptConfig(
    string Variant, int Layers, int Width, int Heads, int Context, int Batch, int Vocab, long Steps,
    double LrWeights, double LrOther, double WeightDecay, int ProjectionEvery, string AlphaShape, double AlphaInit, double LogitScale,
    long ValEvery, int ValBatches, string Precision, bool CudaGraph, long CheckpointEvery, long Seed)
{
    /// <summary>The GPT-2 BPE ("gpt2") or UTF-8 bytes ("bytes") as tokens.</summary>
    public string Tokenizer { get; init; } = "bytes";

    /// <summary>
    /// Whether nGPT's fused operations (residual update, projection onto the sphere, rotary q/k normalisation, scaled SwiGLU,
    /// weight-norm deviation, head + cross entropy) use the shim's CUDA kernels where they are compiled in, checked on a
    /// GPU and the model is on CUDA (<see cref="Dashboard.Torch.Fused"/>); their ATen references otherwise. Changes
    /// speed, not results (beyond rounding).
    /// </summary>
    public bool FusedKernels { get; init; } = true;

    /// <summary>Whether the weights live on the sphere and are projected back onto it (nGPT, and the seed's simplified nGPT).</summary>
    public bool Normalized => Variant is "ngpt" or "ngpt-seed";

    /// <summary>The seed's simplified nGPT (spec 001): <see cref="SeedNGptBlock"/>, learned positions, scalar logit scale.</summary>
    public bool IsSeed => Variant == "ngpt-seed";

    /// <summary>Head size d_k.</summary>
    public int HeadSize => Width / Heads;

    /// <summary>
    /// SwiGLU hidden width: 8/3 of the width rounded up to a multiple of 8 (1024 at width 384), so that the MLP's three
    /// matrices hold as many parameters as a 4× GELU MLP's two.
    /// </summary>
    public int Hidden => (8 * Width / 3 + 7) / 8 * 8;

    public static NGptConfig From(JsonObject config)
    {
        var c = new NGptFamily().WithDefaults(config);
        int I(string name) => (int)ConfigValue.Integer(c[name])!.Value;
        long L(string name) => ConfigValue.Integer(c[name])!.Value;
        double D(string name) => ConfigValue.Number(c[name])!.Value;
        string S(string name) => ConfigValue.Text(c[name])!;
        return new NGptConfig(S("variant"), I("layers"), I("width"), I("heads"), I("context"), I("batch"), I("vocab"), L("steps"),
            D("lr_weights"), D("lr_other"), D("weight_decay"), I("projection_every"), S("alpha_shape"), D("alpha_init"), D("logit_scale"),
            L("val_every"), I("val_batches"), S("precision"), ConfigValue.Boolean(c["cuda_graph"]) ?? true, L("checkpoint_every"), L("seed"))
        {
            Tokenizer = S("tokenizer"),
            FusedKernels = ConfigValue.Boolean(c["fused_kernels"]) ?? true,
        };
    }

    /// <summary>Whether the weights are projected back to unit norm after step <paramref name="step"/> (nGPT only).</summary>
    public bool ProjectsAfter(long step) => Normalized && step % ProjectionEvery == 0;

    /// <summary>Projections done after steps 0 … <paramref name="step"/> (the seed counts 50 for 500 steps every 10).</summary>
    public long ProjectionsThrough(long step) => Normalized ? step / ProjectionEvery + 1 : 0;
}
