using System.Globalization;
using Dashboard.Domain.Comparisons;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Web.Components.Charts;

namespace Dashboard.Web.Components.Metrics;

/// <summary>A config to draw as one line with bands: its name, its runs (one per seed) and its colour.</summary>
public sealed record BandGroup(string Label, IReadOnlyList<long> RunIds, string Color);

/// <summary>
/// Charts across seeds ("aggregate by config"), computed on the server: each key is read for every run in one
/// query, downsampled to at most <see cref="MaxPoints"/> a run as the per-run charts are, then each config's seeds
/// are aligned on one step grid and summarised (<see cref="SeedBands"/>). The browser gets one centre line and the
/// band edges per config, not every run's line.
/// </summary>
public sealed class SeedBandSet(MetricQueries queries, int maxPoints = SeedBandSet.DefaultMaxPoints)
{
    public const int DefaultMaxPoints = 1000;
    private readonly Dictionary<string, IReadOnlyList<(BandGroup Group, IReadOnlyList<SeriesSample> Runs)>> _samples = [];

    public int MaxPoints => maxPoints;
    public IReadOnlyList<string> Keys { get; private set; } = [];

    /// <summary>Reads every key of every group's runs (one query a key).</summary>
    public async Task LoadAsync(IReadOnlyList<BandGroup> groups, IReadOnlyList<string> keys, CancellationToken ct = default)
    {
        var ids = groups.SelectMany(g => g.RunIds).Distinct().ToList();
        var loaded = new Dictionary<string, IReadOnlyList<(BandGroup, IReadOnlyList<SeriesSample>)>>();
        foreach (var key in keys)
        {
            var series = await queries.SeriesForRunsAsync(ids, key, maxPoints, ct);
            loaded[key] = groups.Select(g => (g, (IReadOnlyList<SeriesSample>)g.RunIds.Where(series.ContainsKey)
                .Select(id => Sample(series[id])).Where(s => s.Steps.Count > 0).ToList())).ToList();
        }
        _samples.Clear();
        foreach (var (key, value) in loaded) _samples[key] = value;
        Keys = keys;
    }

    /// <summary>The bands of one key, one per group that has runs with the key.</summary>
    public IReadOnlyList<(BandGroup Group, ConfigBand Band)> Bands(string key, BandStatistic statistic) =>
        _samples.TryGetValue(key, out var groups)
            ? groups.Where(g => g.Runs.Count > 0).Select(g => (g.Group, SeedBands.Of(g.Group.Label, g.Runs, statistic, maxPoints))).ToList()
            : [];

    /// <summary>
    /// The chart's traces: per config, the min–max edges (lighter, when <paramref name="minMax"/>), the inner band's
    /// edges (IQR or 95 % CI), then the centre line, so each upper edge shades down to its lower edge ("tonexty").
    /// </summary>
    public static IReadOnlyList<ChartTrace> Traces(IReadOnlyList<(BandGroup Group, ConfigBand Band)> bands, BandStatistic statistic, bool minMax)
    {
        var traces = new List<ChartTrace>();
        var inner = statistic == BandStatistic.MeanCi ? "95 % CI" : "IQR";
        foreach (var (group, band) in bands)
        {
            var x = band.Steps.Select(s => (double)s).ToArray();
            if (minMax)
            {
                traces.Add(Edge($"{group.Label} · min", x, band.Min, group, null, 0));
                traces.Add(Edge($"{group.Label} · max", x, band.Max, group, "tonexty", 0.1));
            }
            traces.Add(Edge($"{group.Label} · {inner} low", x, band.Low, group, null, 0));
            traces.Add(Edge($"{group.Label} · {inner} high", x, band.High, group, "tonexty", 0.28));
            traces.Add(new ChartTrace($"{group.Label} ({(statistic == BandStatistic.MeanCi ? "mean" : "median")} of {band.RunIds.Count})", x, band.Center)
            {
                Color = group.Color, Group = group.Label, InLegend = true, LineWidth = 2,
                HoverText = band.Count.Select((n, i) => string.Create(CultureInfo.InvariantCulture,
                    $"{n} of {band.RunIds.Count} seeds · {inner} {band.Low[i]:G4} … {band.High[i]:G4}")).ToArray(),
            });
        }
        return traces;
    }

    private static ChartTrace Edge(string name, double[] x, double[] y, BandGroup group, string? fill, double opacity) =>
        new(name, x, y) { Color = group.Color, Group = group.Label, Fill = fill, FillOpacity = opacity, LineWidth = 0, InLegend = false };

    private static SeriesSample Sample(Series series)
    {
        // Downsampled buckets can repeat a step only if a bucket has one point; keep steps strictly increasing.
        var steps = new List<long>(series.Points.Count);
        var values = new List<double>(series.Points.Count);
        foreach (var p in series.Points.OrderBy(p => p.Step))
        {
            if (steps.Count > 0 && steps[^1] == p.Step) { values[^1] = p.Value; continue; }
            steps.Add(p.Step);
            values.Add(p.Value);
        }
        return new SeriesSample(series.RunId, steps, values);
    }
}
