namespace Dashboard.EndToEnd.Tests.Browsing;

/// <summary>Test output for what the shared fixture does outside any test (its one sign-in): written as diagnostic messages.</summary>
internal sealed class DiagnosticOutput(Action<string> log) : ITestOutputHelper
{
    public void WriteLine(string message) => log(message);

    public void WriteLine(string format, params object[] args) =>
        log(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
}
