using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Metrics;

namespace Dashboard.Web.Components.Experiments;

/// <summary>Reads what the hhml summary shows of each run: its scale from the config, its per-cycle series and its summary.</summary>
public static class HhmlTraces
{
    public static readonly string[] Keys = ["reward", "density", "quality", "removed", "cycles_at_target", "cycle_seconds", "gpu/mem_peak_mb"];

    public static async Task<IReadOnlyList<HhmlRunTrace>> ReadAsync(IEnumerable<Run> runs, MetricQueries metrics, CancellationToken ct = default)
    {
        var family = new HhmlFamily();
        var traces = new List<HhmlRunTrace>();
        foreach (var run in runs.Where(r => r.Family == HhmlFamily.FamilyName).OrderBy(r => r.Index))
        {
            var config = family.WithDefaults(JsonNode.Parse(run.Config) as JsonObject ?? []);
            int I(string name) => (int)(ConfigValue.Integer(config[name]) ?? 0);
            var strips = I("strips");
            var nodes = I("nodes_per_strip");
            var scale = new HhmlScale(strips, nodes, I("hidden"), I("layers"), I("samples_per_strip"), 0);
            var series = new Dictionary<string, IReadOnlyList<(long, double)>>();
            foreach (var key in Keys)
            {
                var read = await metrics.SeriesAsync(run.Id, key, MetricQueries.MaxChartPoints, ct: ct);
                series[key] = read.Points.Select(p => (p.Step, p.Value)).ToList();
            }
            var summary = JsonNode.Parse(run.Summary) as JsonObject ?? [];
            double? Number(string name) => summary[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
            var cycleSeconds = series["cycle_seconds"].Select(p => p.Item2).Order().ToList();
            var peak = series["gpu/mem_peak_mb"].Select(p => p.Item2).DefaultIfEmpty(double.NaN).Max();
            traces.Add(new HhmlRunTrace(run.Id, ConfigValue.Text(config["mode"]) ?? HhmlFamily.AsRun, strips, nodes, scale.Hidden, scale.Parameters,
                series,
                Number("median_cycle_seconds") ?? (cycleSeconds.Count > 0 ? cycleSeconds[cycleSeconds.Count / 2] : null),
                Number("peak_gpu_memory_mb") ?? (double.IsFinite(peak) ? peak : null),
                (long?)Number("cycles_completed") ?? run.Step,
                summary["time_limit_reached"] is JsonValue t && t.TryGetValue<bool>(out var reached) && reached));
        }
        return traces;
    }
}
