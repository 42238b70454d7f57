namespace Dashboard.EndToEnd.Tests.Hosting;

/// <summary>./scripts/start did not bring the dashboard up; the message carries what it printed.</summary>
public sealed class DashboardStartException(string message, string output)
    : Exception($"{message}{Environment.NewLine}--- ./scripts/start output (last lines) ---{Environment.NewLine}{output}");
