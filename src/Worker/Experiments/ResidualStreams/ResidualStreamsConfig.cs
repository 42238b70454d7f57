using System.Text.Json.Nodes;
using Dashboard.Domain.Families;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>A run's config as typed values (the family record in Domain has validated and defaulted it).</summary>
public sealed record ResidualStreamsConfig(
    string Variant, int Depth, int Streams, int Width, int Vocab, int SeqLen, int Batch, long Steps,
    double LearningRate, int SinkhornIterations, double HcInitNoise, string Precision, long CheckpointEvery, long Seed)
{
    /// <summary>"seed" (the seed's code as run) or "mlp" (the earlier port).</summary>
    public string Architecture { get; init; } = "seed";
    public int Heads { get; init; } = 4;
    /// <summary>The seed block's feed-forward width (4 × width when the config says 0).</summary>
    public int FeedForward { get; init; }
    public double WeightDecay { get; init; }
    /// <summary>Whether a non-finite loss leaves the run training (the seed's behaviour) rather than ending it.</summary>
    public bool ContinueOnNan { get; init; }
    /// <summary>Whether the step is captured in a CUDA graph on a GPU (<see cref="Training.GraphedStep"/>).</summary>
    public bool CudaGraph { get; init; }

    public bool IsSeed => Architecture == "seed";

    public static ResidualStreamsConfig From(JsonObject config)
    {
        var c = new ResidualStreamsFamily().WithDefaults(config);
        int I(string name) => (int)ConfigValue.Integer(c[name])!.Value;
        long L(string name) => ConfigValue.Integer(c[name])!.Value;
        double D(string name) => ConfigValue.Number(c[name])!.Value;
        string S(string name) => ConfigValue.Text(c[name])!;
        var variant = S("variant");
        return new ResidualStreamsConfig(variant, I("depth"), variant == "baseline" ? 1 : I("streams"), I("width"), I("vocab"),
            I("seq_len"), I("batch"), L("steps"), D("learning_rate"), I("sinkhorn_iterations"), D("hc_init_noise"), S("precision"),
            L("checkpoint_every"), L("seed"))
        {
            Architecture = S("architecture"),
            Heads = I("heads"),
            FeedForward = I("d_ff") is > 0 and var ff ? ff : 4 * I("width"),
            WeightDecay = D("weight_decay"),
            ContinueOnNan = S("on_nan") == "continue",
            CudaGraph = ConfigValue.Boolean(c["cuda_graph"]) ?? true,
        };
    }
}
