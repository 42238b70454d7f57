using Dashboard.Web.Components.RunView;

namespace Dashboard.Web.Components.Compare;

/// <summary>
/// One config field across the compared runs: its value in each (null where a run lacks it), which runs do not read it
/// (their variant or architecture ignores the field: null when every run reads it), and whether they differ. A value no run reads is no
/// difference: an nGPT run's alpha_init beside a GPT baseline's is compared only with other nGPT runs'.
/// </summary>
public sealed record ConfigDiffRow(string Key, IReadOnlyList<string?> Values, IReadOnlyList<bool>? Unread = null)
{
    public bool IsRead(int run) => Unread is null || !Unread[run];

    public bool Differs => Values.Where((_, i) => IsRead(i)).Distinct().Count() > 1;
}

/// <summary>Lines up the configs of several runs field by field, in the order the fields first appear.</summary>
public static class ConfigDiff
{
    /// <param name="unread">Per run, the fields its variant or architecture does not read (FamilyCatalogue.FieldsNotUsedBy); null: all read.</param>
    public static IReadOnlyList<ConfigDiffRow> Of(IReadOnlyList<string> configs, IReadOnlyList<IReadOnlySet<string>>? unread = null)
    {
        var flat = configs.Select(c => ConfigEntries.Flatten(c).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)).ToList();
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var config in configs)
            foreach (var (key, _) in ConfigEntries.Flatten(config))
                if (seen.Add(key)) keys.Add(key);
        return keys.Select(k => new ConfigDiffRow(k, flat.Select(f => f.GetValueOrDefault(k)).ToList(),
            unread is not null && unread.Any(u => u.Contains(k)) ? unread.Select(u => u.Contains(k)).ToList() : null)).ToList();
    }

    /// <summary>
    /// What tells each run apart, for legend names: up to <paramref name="max"/> differing fields with short values
    /// ("lr=0.01, seed=2"); empty when the configs agree.
    /// </summary>
    public static IReadOnlyList<string> Distinguishing(IReadOnlyList<ConfigDiffRow> rows, int runCount, int max = 3)
    {
        var differing = rows.Where(r => r.Differs && r.Values.All(v => v is null || v.Length <= 24)).Take(max).ToList();
        return Enumerable.Range(0, runCount)
            .Select(i => string.Join(", ", differing.Where(r => r.Values[i] is not null && r.IsRead(i)).Select(r => $"{r.Key}={r.Values[i]}")))
            .ToList();
    }
}
