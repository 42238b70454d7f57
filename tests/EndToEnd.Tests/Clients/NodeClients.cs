using System.Diagnostics;
using System.Text.Json.Nodes;
using Dashboard.EndToEnd.Tests.Hosting;

namespace Dashboard.EndToEnd.Tests.Clients;

/// <summary>
/// tests/Clients: an npm folder of clients nobody here wrote (openapi-typescript + openapi-fetch, @microsoft/signalr),
/// installed by ./scripts/test (npm ci). Runs its tools and scripts with Node against the started dashboard.
/// </summary>
public static class NodeClients
{
    public static string Folder => Path.Combine(RepositoryRoot.Path, "tests", "Clients");

    /// <summary>Runs node with the arguments in tests/Clients; returns stdout, or fails the test with both streams.</summary>
    public static async Task<string> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        if (!File.Exists(Path.Combine(Folder, "node_modules", ".package-lock.json")))
            throw new InvalidOperationException($"{Folder}/node_modules is missing: run ./scripts/test once (it runs npm ci there).");
        var info = new ProcessStartInfo("node", arguments) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {string.Join(' ', arguments)} ran longer than {timeout.TotalSeconds:0} s. {await stderr}");
        }
        var output = await stdout;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"node {string.Join(' ', arguments)} exited {process.ExitCode}:\n{output}\n{await stderr}");
        return output;
    }

    /// <summary>The last line of a script's output, which is its JSON report.</summary>
    public static JsonNode Report(string output) =>
        JsonNode.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1])!;
}
