namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>Skip reasons of the scenario tests written ahead of the branches that build their pages.</summary>
internal static class Needs
{
    public const string Auth = "needs auth (sign-in page, cookie authentication)";
    public const string PagesAndAuth = "needs pages (/experiments/new, experiment page) and auth (sign-in)";
    public const string LiveAndAuth = "needs live (run page with live charts) and auth (sign-in)";
    public const string CancelOnRunPage = "needs live (run page) with pages' RunActionBar placed on it, and auth (sign-in)";
    public const string CompareAndAuth = "needs live (compare page) and auth (sign-in)";
    public const string ReviewLinks = "needs auth (review links, /links) with ReviewLinkButton placed on live's run page";
}
