using System.Globalization;

namespace Dashboard.Domain.Access;

/// <summary>
/// What a review link opens and therefore may show: one run; one experiment and its runs; or a comparison
/// of exactly these runs. Written as <see cref="Kind"/> plus ids ("12", or "3,7,12" for a comparison).
/// </summary>
public sealed record ReviewTarget
{
    public const int MaxComparedRuns = 50;

    private ReviewTarget(ReviewTargetKind kind, IReadOnlyList<long> ids)
    {
        Kind = kind;
        Ids = ids;
    }

    public ReviewTargetKind Kind { get; }
    /// <summary>The run or experiment id, or the compared run ids in their order.</summary>
    public IReadOnlyList<long> Ids { get; }

    /// <summary>The ids as stored and as they appear in the page address: "12" or "3,7,12".</summary>
    public string Target => string.Join(',', Ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The dashboard page that shows it.</summary>
    public string Path => Kind switch
    {
        ReviewTargetKind.Run => $"/runs/{Target}",
        ReviewTargetKind.Experiment => $"/experiments/{Target}",
        _ => $"/compare/{Target}",
    };

    /// <summary>In words, for banners and lists: "run 12", "experiment 3", "comparison of runs 3, 7, 12".</summary>
    public string Description => Kind switch
    {
        ReviewTargetKind.Run => $"run {Target}",
        ReviewTargetKind.Experiment => $"experiment {Target}",
        _ => $"comparison of runs {string.Join(", ", Ids)}",
    };

    public static ReviewTarget Parse(ReviewTargetKind kind, string? target)
    {
        if (!Enum.IsDefined(kind)) throw new InvalidInputException("kind", $"'{kind}' is not a review link kind.");
        var parts = (target ?? "").Split(',', StringSplitOptions.TrimEntries);
        var ids = new List<long>();
        foreach (var part in parts)
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
                throw new InvalidInputException("target", $"'{target}' is not a list of run or experiment ids such as \"12\" or \"3,7,12\".");
            if (!ids.Contains(id)) ids.Add(id);
        }
        if (kind is ReviewTargetKind.Run or ReviewTargetKind.Experiment && ids.Count != 1)
            throw new InvalidInputException("target", $"a {kind.ToString().ToLowerInvariant()} link names exactly one id.");
        if (kind == ReviewTargetKind.Comparison && ids.Count is < 1 or > MaxComparedRuns)
            throw new InvalidInputException("target", $"a comparison link names 1 to {MaxComparedRuns} run ids.");
        return new ReviewTarget(kind, ids);
    }

    /// <summary>Whether a run is in scope; <paramref name="experimentOfRun"/> is the run's experiment (null: unknown run).</summary>
    public bool CoversRun(long runId, long? experimentOfRun) => Kind switch
    {
        ReviewTargetKind.Run => Ids[0] == runId,
        ReviewTargetKind.Experiment => experimentOfRun == Ids[0],
        _ => Ids.Contains(runId),
    };

    public bool CoversExperiment(long experimentId) => Kind == ReviewTargetKind.Experiment && Ids[0] == experimentId;

    /// <summary>
    /// A comparison page: a comparison link covers exactly its own runs (in any order); an experiment link
    /// covers comparisons among its own runs (<paramref name="experimentsOfRuns"/>: each compared run's experiment).
    /// </summary>
    public bool CoversComparison(IReadOnlyCollection<long> runIds, IReadOnlyCollection<long?> experimentsOfRuns) => Kind switch
    {
        ReviewTargetKind.Comparison => runIds.Count == Ids.Count && runIds.All(Ids.Contains),
        ReviewTargetKind.Experiment => runIds.Count > 0 && experimentsOfRuns.Count == runIds.Count && experimentsOfRuns.All(e => e == Ids[0]),
        _ => false,
    };
}
