using Dashboard.Domain.Experiments;
using Dashboard.Domain.Runs;

namespace Dashboard.Infrastructure.Reading;

/// <summary>One page of experiments, each with how many of its runs are in each state.</summary>
public sealed record ExperimentListing(IReadOnlyList<ExperimentSummary> Items, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

public sealed record ExperimentSummary(Experiment Experiment, IReadOnlyDictionary<RunState, int> RunStates)
{
    public int Runs => RunStates.Values.Sum();
}

/// <summary>The values the list's filters can take: families, tags and owners that experiments have.</summary>
public sealed record ExperimentFacets(IReadOnlyList<string> Families, IReadOnlyList<string> Tags, IReadOnlyList<string> Owners);
