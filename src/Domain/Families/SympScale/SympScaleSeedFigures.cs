namespace Dashboard.Domain.Families.SympScale;

/// <summary>
/// Seed 003's own figures (the write-up's locked 4-D CR3BP result and its memory table), shown beside the
/// dashboard's. They are the seed's claims; each names the summary value it is compared with, so a generic
/// claims panel can declare them as this family's claims (verdicts are computed from our runs, never written in).
/// </summary>
public static class SympScaleSeedFigures
{
    public const string AnchorSystem = "cr3bp";
    public const int AnchorDim = 4;

    public const int Seeds = 10;
    public const int SympBounded = 10;
    public const int GruDivergent = 6;
    public const double SympMseLow = 4.39, SympMseHigh = 14.48;
    public const double RatioMedian = 81.8, RatioQ1 = 2.0, RatioQ3 = 172.9;
    public const double ProjectedJacobiDrift = 3.94e-11, ProjectedJacobiDriftLow = 3.0e-11, ProjectedJacobiDriftHigh = 4.9e-11;
    public const int ProjectedJacobiSeeds = 5;
    public const double ReferenceJacobiDrift = 4.23e-11;
    public const long SympParameters = 25_525, GruParameters = 25_540;

    /// <summary>Full-horizon BPTT peak memory (float64, T = 1000, D = 256, width 512) by batch, in GB.</summary>
    public static readonly IReadOnlyList<(int Batch, double Gigabytes)> BpttMemory =
        [(256, 54), (384, 81), (512, 108), (768, 162), (1024, 216)];

    /// <summary>
    /// The seed's claims at the anchor: what it states and how the dashboard's value is computed from the
    /// summary row of (cr3bp, D = 4). The claims mechanism can turn each into a claim with a computed verdict.
    /// </summary>
    public static readonly IReadOnlyList<SeedClaim> Claims =
    [
        new("symp-bounded", $"Symp bounded on {SympBounded}/{Seeds} seeds",
            "bounded count of symp runs (last-100 MSE ≤ τ and finite) out of finished symp runs"),
        new("gru-divergent", $"GRU divergent on {GruDivergent}/{Seeds} seeds",
            "divergent count of gru runs (last-100 MSE > τ, not finite, or diverged in training) out of finished gru runs"),
        new("mse-ratio", $"GRU/Symp last-100 MSE ratio median {RatioMedian}×, IQR [{RatioQ1:0.0}×, {RatioQ3:0.0}×]",
            "per seed, gru's last-100 MSE over symp's (runs paired by seed); median and 25th/75th percentiles (linear interpolation)"),
        new("symp-mse-range", $"Symp last-100 MSE between {SympMseLow} and {SympMseHigh}",
            "minimum and maximum of symp's final rollout/last100_mse"),
        new("jacobi-drift", $"Projected Jacobi drift {ProjectedJacobiDrift:G3}, 95 % CI [{ProjectedJacobiDriftLow:G2}, {ProjectedJacobiDriftHigh:G2}] ({ProjectedJacobiSeeds} seeds)",
            "mean ± t-interval over seeds of symp's conservation/residual_projected"),
        new("parameter-match", $"Capacity matched: GRU {GruParameters:N0} vs Symp {SympParameters:N0} (ratio 0.9994)",
            "the runs' capacity/parameters_gru and capacity/parameters_symp"),
        new("reference-drift", $"DOP853 reference Jacobi drift {ReferenceJacobiDrift:G3} over 100 periods",
            "docs/benchmarks.md (the generator's validation; runs record data_max_invariant_drift in their summary)"),
    ];
}

/// <summary>One of the seed's statements: an id, the statement, and how ours is computed.</summary>
public sealed record SeedClaim(string Id, string Statement, string HowComputed);
