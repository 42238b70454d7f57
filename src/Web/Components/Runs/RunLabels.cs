using System.Text.Json.Nodes;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Runs;

namespace Dashboard.Web.Components.Runs;

/// <summary>How a run is named in lists: its sweep point and seed ("depth=12, variant=hc · seed 1").</summary>
public static class RunLabels
{
    public static string Short(Run run)
    {
        var axes = JsonNode.Parse(run.AxisValues) as JsonObject ?? [];
        var config = axes.Count == 0 ? null : SweepConfig.Of(axes).Label;
        var seed = run.Seed is { } s ? $"seed {s}" : null;
        return string.Join(" · ", new[] { config, seed }.Where(x => x is not null));
    }
}
