namespace Dashboard.Worker.Experiments.SympScale.Systems;

/// <summary>The system a run's config names, built with its parameters.</summary>
public static class SystemCatalogue
{
    public static PhaseSystem For(SympScaleConfig config) => config.System switch
    {
        "cr3bp" => new Cr3bp(),
        "fput-beta" => new Fput(config.Dim, 0, config.FputBeta, config.EnergyPerParticle),
        "fput-alpha" => new Fput(config.Dim, config.FputAlpha, 0, config.EnergyPerParticle),
        "toda" => new Toda(config.Dim, config.EnergyPerParticle),
        _ => throw new ArgumentException($"unknown system '{config.System}'"),
    };

    /// <summary>Everything that determines the generated data, as a file name.</summary>
    public static string DataKey(SympScaleConfig c)
    {
        var physics = c.System switch
        {
            "cr3bp" => $"mu{Cr3bp.EarthMoon:R}",
            "fput-beta" => $"b{c.FputBeta:R}-e{c.EnergyPerParticle:R}",
            "fput-alpha" => $"a{c.FputAlpha:R}-e{c.EnergyPerParticle:R}",
            _ => $"e{c.EnergyPerParticle:R}",
        };
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{c.System}-D{c.Dim}-seed{c.DataSeed}-n{c.Trajectories}-len{c.Length}-dt{c.DataDt:R}-{physics}");
    }
}
