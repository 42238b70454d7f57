using Dashboard.Domain.Families.SympScale;
using Dashboard.Worker.Experiments.SympScale.Models;

namespace Dashboard.Worker.Experiments.SympScale;

/// <summary>Builds the run's model at the capacity-matched width.</summary>
public static class SympScaleModels
{
    public static WorldModel Build(SympScaleConfig config, CapacityMatch match) => config.Model switch
    {
        "symp" => new SympModel(config.Dim, config.ActionDim, (int)match.HamiltonianWidth, config.IntegratorDt, config.SpectralNorm, rk4: false),
        "rk4" => new SympModel(config.Dim, config.ActionDim, (int)match.HamiltonianWidth, config.IntegratorDt, config.SpectralNorm, rk4: true),
        "gru" => new GruModel(config.Dim, config.ActionDim, (int)match.GruWidth),
        "freeform" => new FreeformModel(config.Dim, config.ActionDim, (int)match.FreeformWidth, config.IntegratorDt),
        _ => throw new ArgumentException($"unknown model '{config.Model}'"),
    };

    public static long Width(SympScaleConfig config, CapacityMatch match) => config.Model switch
    {
        "gru" => match.GruWidth,
        "freeform" => match.FreeformWidth,
        _ => match.HamiltonianWidth,
    };
}
