using Dashboard.Domain;
using Dashboard.Domain.Access;

namespace Dashboard.Domain.Tests.Access;

public sealed class ReviewTargetTests
{
    [Theory]
    [InlineData(ReviewTargetKind.Run, "12", "/runs/12")]
    [InlineData(ReviewTargetKind.Experiment, " 3 ", "/experiments/3")]
    [InlineData(ReviewTargetKind.Comparison, "3,7,12", "/compare/3,7,12")]
    [InlineData(ReviewTargetKind.Comparison, "3, 7,3", "/compare/3,7")]
    public void Targets_parse_to_their_page(ReviewTargetKind kind, string target, string path) =>
        ReviewTarget.Parse(kind, target).Path.Should().Be(path);

    [Theory]
    [InlineData(ReviewTargetKind.Run, "")]
    [InlineData(ReviewTargetKind.Run, "1,2")]
    [InlineData(ReviewTargetKind.Experiment, "x")]
    [InlineData(ReviewTargetKind.Run, "-1")]
    [InlineData(ReviewTargetKind.Run, "0")]
    [InlineData(ReviewTargetKind.Comparison, "1,,2")]
    [InlineData((ReviewTargetKind)9, "1")]
    public void Bad_targets_are_refused_naming_the_field(ReviewTargetKind kind, string target)
    {
        var act = () => ReviewTarget.Parse(kind, target);
        act.Should().Throw<InvalidInputException>().Which.Errors.Should().ContainSingle(e => e.Field == "target" || e.Field == "kind");
    }

    [Fact]
    public void Scopes_cover_what_the_link_was_made_for_and_nothing_else()
    {
        var run = ReviewTarget.Parse(ReviewTargetKind.Run, "12");
        run.CoversRun(12, 1).Should().BeTrue();
        run.CoversRun(13, 1).Should().BeFalse();
        run.CoversExperiment(1).Should().BeFalse();

        var experiment = ReviewTarget.Parse(ReviewTargetKind.Experiment, "3");
        experiment.CoversExperiment(3).Should().BeTrue();
        experiment.CoversRun(40, 3).Should().BeTrue();
        experiment.CoversRun(41, 4).Should().BeFalse();
        experiment.CoversRun(42, null).Should().BeFalse();
        experiment.CoversComparison([40, 41], [3, 3]).Should().BeTrue();
        experiment.CoversComparison([40, 41], [3, 4]).Should().BeFalse();

        var comparison = ReviewTarget.Parse(ReviewTargetKind.Comparison, "3,7,12");
        comparison.CoversComparison([12, 3, 7], [null, null, null]).Should().BeTrue();
        comparison.CoversComparison([3, 7], [null, null]).Should().BeFalse();
        comparison.CoversComparison([3, 7, 12, 13], [null, null, null, null]).Should().BeFalse();
        comparison.CoversRun(7, null).Should().BeTrue();
        comparison.CoversRun(8, null).Should().BeFalse();
        comparison.CoversExperiment(3).Should().BeFalse();
    }
}
