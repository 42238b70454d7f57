namespace Dashboard.EndToEnd.Tests.Api;

/// <summary>Run state names as the API and the pages write them.</summary>
public static class RunStates
{
    public static readonly string[] Final = ["succeeded", "failed", "diverged", "cancelled", "timed_out"];

    public static bool IsFinal(string state) => Final.Contains(state);
}
