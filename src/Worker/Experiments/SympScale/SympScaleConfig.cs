using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Domain.Families.SympScale;

namespace Dashboard.Worker.Experiments.SympScale;

/// <summary>A run's config as typed values (the family record in Domain has validated and defaulted it).</summary>
public sealed record SympScaleConfig(
    string Model, string System, int Dim, int Trajectories, int TrainTrajectories, int Length, double DataDt, long DataSeed,
    double EnergyPerParticle, double FputAlpha, double FputBeta, int Width, int ActionDim, double IntegratorDt, bool SpectralNorm,
    double WarmupFraction, bool Projection, int ProjectionIterations, double ProjectionTolerance, int BpttWindow, int Rollout,
    int MetricWindow, double Tau, double HorizonThreshold, int Batch, long Steps, double LearningRate, double GradClip,
    long EvalEvery, bool Float64, long CheckpointEvery, long Seed)
{
    /// <summary>Whether the model has a learned Hamiltonian (symp, rk4): the ones projected and with a learned energy.</summary>
    public bool HasHamiltonian => Model is "symp" or "rk4";

    /// <summary>Whether the step is captured in a CUDA graph on a GPU (<see cref="Training.GraphedStep"/>).</summary>
    public bool CudaGraph { get; init; }

    public static SympScaleConfig From(JsonObject config)
    {
        var c = new SympScaleFamily().WithDefaults(config);
        int I(string name) => (int)ConfigValue.Integer(c[name])!.Value;
        long L(string name) => ConfigValue.Integer(c[name])!.Value;
        double D(string name) => ConfigValue.Number(c[name])!.Value;
        string S(string name) => ConfigValue.Text(c[name])!;
        bool B(string name) => ConfigValue.Boolean(c[name])!.Value;
        return new SympScaleConfig(S("model"), S("system"), I("dim"), I("trajectories"), I("train_trajectories"), I("length"),
            D("data_dt"), L("data_seed"), D("energy_per_particle"), D("fput_alpha"), D("fput_beta"), I("width"), I("action_dim"),
            D("integrator_dt"), B("spectral_norm"), D("warmup_fraction"), S("projection") == "newton", I("projection_iterations"),
            D("projection_tolerance"), (int)SympScaleFamily.BpttWindow(c)!.Value, I("rollout"), I("metric_window"), D("tau"),
            D("horizon_threshold"), I("batch"), L("steps"), D("learning_rate"), D("grad_clip"), L("eval_every"),
            S("precision") == "float64", L("checkpoint_every"), L("seed"))
        {
            CudaGraph = ConfigValue.Boolean(c["cuda_graph"]) ?? true,
        };
    }
}
