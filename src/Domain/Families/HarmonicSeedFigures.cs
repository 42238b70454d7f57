namespace Dashboard.Domain.Families;

/// <summary>
/// Seed 004's own figures (its write-up, RTX 4070 Ti), shown beside what the runs computed. Nothing here feeds a
/// result: the experiment page computes ours from the runs and prints both.
/// </summary>
public static class HarmonicSeedFigures
{
    /// <summary>One field config of the write-up's table: detection 25 % everywhere, rotation mean ± sd, speed, trials/s.</summary>
    public sealed record FieldRow(string Config, int Nodes, double DetectionRate, double RotationMean, double RotationSd, double Speed, double TrialsPerSecond)
    {
        public double RotationCv => RotationSd / RotationMean;
    }

    public static readonly IReadOnlyList<FieldRow> Field =
    [
        new("small", 961, 0.25, 3274.72, 1155.85, 1.24, 4.6),
        new("medium", 2500, 0.25, 6839.19, 1795.24, 1.30, 2.2),
        new("large", 4900, 0.25, 16557.87, 2829.69, 1.82, 0.8),
    ];

    /// <summary>Inference tokens/s of the write-up's benchmark (batch 4 × 256, forward only), and parameters.</summary>
    public static readonly IReadOnlyDictionary<string, (double TokensPerSecond, long Parameters)> Gpt = new Dictionary<string, (double, long)>
    {
        ["standard"] = (286_751, 3_176_192),
        ["harmonic"] = (1_033, 3_571_524),
        ["harmonic-moe"] = (1_021, 10_014_552),
    };

    /// <summary>The write-up's harmonic / standard speed ratio (1,033 / 286,751).</summary>
    public static double GptSpeedRatio => Gpt["harmonic"].TokensPerSecond / Gpt["standard"].TokensPerSecond;

    /// <summary>The field row for a run's config: by the named config, else by the lattice's node count.</summary>
    public static FieldRow? FieldFor(string? configName, long? nodes) =>
        Field.FirstOrDefault(r => r.Config == configName)
        ?? (nodes is { } n ? Field.FirstOrDefault(r => r.Nodes == (long)Math.Pow(Math.Floor(Math.Sqrt(n)), 2)) : null);
}
