using System.Text.Json.Nodes;
using Dashboard.Domain.Families;

namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>A run's config as typed values (the family record in Domain has validated and defaulted it).</summary>
public sealed record HhmlConfig(
    string Mode, int Strips, int NodesPerStrip, int Hidden, int Layers, int SamplesPerStrip, long Cycles,
    double NeighbourRadius, int MaxNeighbours, double QualityRadius, double VortexThreshold,
    double Kappa, double Delta, double MinorRadius, double InitialAmplitude,
    double LearningRate, double GradClip, double Exploration, long CheckpointEvery, long Seed)
{
    public bool Intended => Mode == HhmlFamily.Intended;

    public int Nodes => Strips * NodesPerStrip;

    public HhmlScale Scale => new(Strips, NodesPerStrip, Hidden, Layers, SamplesPerStrip, MaxNeighbours);

    public static HhmlConfig From(JsonObject config)
    {
        var c = new HhmlFamily().WithDefaults(config);
        int I(string name) => (int)ConfigValue.Integer(c[name])!.Value;
        long L(string name) => ConfigValue.Integer(c[name])!.Value;
        double D(string name) => ConfigValue.Number(c[name])!.Value;
        var strips = I("strips");
        var nodes = I("nodes_per_strip");
        var (radius, cap) = HhmlScale.SeedNeighbourRule((long)strips * nodes);
        return new HhmlConfig(ConfigValue.Text(c["mode"])!, strips, nodes, I("hidden"), I("layers"), I("samples_per_strip"), L("cycles"),
            ConfigValue.Number(c["neighbour_radius"]) ?? radius, (int?)ConfigValue.Integer(c["max_neighbours"]) ?? cap,
            D("quality_radius"), D("vortex_threshold"), D("kappa"), D("delta"), D("minor_radius"), D("initial_amplitude"),
            D("learning_rate"), D("grad_clip"), D("exploration"), L("checkpoint_every"), L("seed"));
    }
}
