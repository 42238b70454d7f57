namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>Skip reasons of the scenario tests written ahead of the branches that build their pages.</summary>
internal static class Needs
{
    public const string RunPage = "needs live (run page /runs/{id} with live charts), not yet merged into main";
    public const string ComparePage = "needs live (compare page /compare/{ids}), not yet merged into main";
}
