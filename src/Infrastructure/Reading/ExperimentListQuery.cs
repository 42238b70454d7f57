using Dashboard.Domain;
using Dashboard.Domain.Runs;

namespace Dashboard.Infrastructure.Reading;

/// <summary>
/// What the experiments list shows: a search over name and notes, filters (family, tag, owner, and a state
/// that at least one of its runs is in), a sort order and a page. Shared by the page and GET /api/experiments.
/// </summary>
public sealed record ExperimentListQuery
{
    public static readonly IReadOnlyList<string> Sorts = ["-created", "created", "name", "-name", "family", "-runs", "runs"];
    public const int MaxPageSize = 200;

    public string? Search { get; init; }
    public string? Family { get; init; }
    public string? Tag { get; init; }
    public string? State { get; init; }
    public string? Owner { get; init; }
    public string Sort { get; init; } = "-created";
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 25;

    /// <summary>The query with its paging clamped; a bad state or sort is an <see cref="InvalidInputException"/>.</summary>
    public ExperimentListQuery Checked()
    {
        var errors = new List<ValidationError>();
        foreach (var (field, text) in new[] { ("search", Search), ("family", Family), ("tag", Tag), ("state", State), ("owner", Owner), ("sort", Sort) })
            if (StoredText.Problem(text) is { } problem) errors.Add(new(field, problem));
        if (errors.Count > 0) throw new InvalidInputException(errors);
        if (!string.IsNullOrWhiteSpace(State) && !RunStateNames.TryParse(State, out _))
            errors.Add(new("state", $"'{State}' is not a run state; states: {string.Join(", ", RunStateNames.All)}."));
        if (!Sorts.Contains(Sort))
            errors.Add(new("sort", $"'{Sort}' is not a sort order; use {string.Join(", ", Sorts)}."));
        var pageSize = Math.Clamp(PageSize, 1, MaxPageSize);
        // The rows skipped, (page - 1) × size, must fit the database's offset without wrapping.
        if ((long)Math.Max(Page, 1) * pageSize > int.MaxValue)
            errors.Add(new("page", $"must be at most {int.MaxValue / pageSize} with {pageSize} experiments a page."));
        if (errors.Count > 0) throw new InvalidInputException(errors);
        return this with { Page = Math.Max(Page, 1), PageSize = pageSize };
    }
}
