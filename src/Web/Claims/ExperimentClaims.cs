using Dashboard.Domain.Claims;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Infrastructure.Reading;

namespace Dashboard.Web.Claims;

/// <summary>An experiment's claims checked against its runs, and its ranking table, as the panel, the API and the report show them.</summary>
public sealed record ExperimentClaims(
    string ExperimentName,
    IReadOnlyList<ClaimVerdict> Verdicts,
    string RankMetric,
    bool HigherIsBetter,
    IReadOnlyList<RankedConfig> Ranking)
{
    public static ExperimentClaims Of(ExperimentDetail detail, FamilyCatalogue catalogue)
    {
        var family = catalogue.Find(detail.Experiment.Family);
        var results = detail.Results();
        var aggregates = SweepAggregation.Aggregate(results, family?.Divergence);
        var metric = family?.PrimaryMetric ?? Domain.Metrics.MetricKey.Loss;
        var higher = family?.HigherIsBetter ?? false;
        return new ExperimentClaims(detail.Experiment.Name,
            ClaimEvaluation.Evaluate(detail.Claims(), results, family?.Divergence), metric, higher,
            Domain.Comparisons.Ranking.Rank(aggregates, metric, higher, Domain.Comparisons.Ranking.DefaultBaseline(aggregates)));
    }
}
