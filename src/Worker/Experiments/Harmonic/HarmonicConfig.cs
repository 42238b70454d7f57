using System.Text.Json.Nodes;
using Dashboard.Domain.Families;

namespace Dashboard.Worker.Experiments.Harmonic;

/// <summary>A harmonic run's config as typed values (the family record in Domain has validated and defaulted it).</summary>
public sealed record HarmonicConfig
{
    public string Variant { get; init; } = "field";
    public long Seed { get; init; }

    // field trials
    public int Nodes { get; init; } = 1000;
    public int Modes { get; init; } = 200;
    public int Timesteps { get; init; } = 1000;
    public int Trials { get; init; } = 100;
    public string Detector { get; init; } = "as-run";
    public int TrialBatch { get; init; }
    public string Activity { get; init; } = "modes";

    // language models
    public string Model { get; init; } = "standard";
    public int Layers { get; init; } = 4;
    public int Heads { get; init; } = 4;
    public int Width { get; init; } = 256;
    public int Context { get; init; } = 256;
    public int Batch { get; init; } = 64;
    public int Vocab { get; init; } = 256;
    public long Steps { get; init; } = 5000;
    public double LearningRate { get; init; } = 1e-3;
    public double MinLr { get; init; } = 1e-4;
    public long WarmupSteps { get; init; } = 100;
    public double WeightDecay { get; init; } = 0.1;
    public double Beta2 { get; init; } = 0.99;
    public double GradClip { get; init; } = 1.0;
    public double Dropout { get; init; } = 0.2;
    public double WaveFraction { get; init; } = 0.25;
    public string WaveSelection { get; init; } = "topk";
    public double WaveThreshold { get; init; } = 0.5;
    public int Window { get; init; } = 32;
    public int Experts { get; init; } = 4;
    public long ValEvery { get; init; } = 250;
    public int ValBatches { get; init; } = 50;
    public int BenchmarkIterations { get; init; } = 20;
    public string Precision { get; init; } = "float32";
    /// <summary>GPT: whether the step is captured in a CUDA graph on a GPU (<see cref="Training.GraphedStep"/>).</summary>
    public bool CudaGraph { get; init; }
    public long CheckpointEvery { get; init; } = 500;

    public bool Harmonic => Model != "standard";
    public bool MixtureOfExperts => Model == "harmonic-moe";
    public int HeadSize => Width / Heads;

    public static HarmonicConfig From(JsonObject config)
    {
        var c = new HarmonicFamily().WithDefaults(config);
        int I(string name) => (int)ConfigValue.Integer(c[name])!.Value;
        long L(string name) => ConfigValue.Integer(c[name])!.Value;
        double D(string name) => ConfigValue.Number(c[name])!.Value;
        string S(string name) => ConfigValue.Text(c[name])!;
        return new HarmonicConfig
        {
            Variant = S("variant"), Seed = L("seed"),
            Nodes = I("nodes"), Modes = I("modes"), Timesteps = I("timesteps"), Trials = I("trials"), Detector = S("detector"),
            TrialBatch = I("trial_batch"), Activity = S("activity"),
            Model = S("model"), Layers = I("layers"), Heads = I("heads"), Width = I("width"), Context = I("context"), Batch = I("batch"),
            Steps = L("steps"), LearningRate = D("learning_rate"), MinLr = D("min_lr"), WarmupSteps = L("warmup_steps"),
            WeightDecay = D("weight_decay"), Beta2 = D("beta2"), GradClip = D("grad_clip"), Dropout = D("dropout"),
            WaveFraction = D("wave_fraction"), WaveSelection = S("wave_selection"), WaveThreshold = D("wave_threshold"), Window = I("window"),
            Experts = I("experts"), ValEvery = L("val_every"), ValBatches = I("val_batches"), BenchmarkIterations = I("benchmark_iterations"),
            Precision = S("precision"), CheckpointEvery = L("checkpoint_every"),
            CudaGraph = ConfigValue.Boolean(c["cuda_graph"]) ?? true,
        };
    }
}
