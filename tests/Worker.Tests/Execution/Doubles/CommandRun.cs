using System.Text.Json.Nodes;
using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Tests.Execution.Doubles;

/// <summary>A run of the "command" family in a fresh temporary folder, with recording sink, log and progress.</summary>
public sealed class CommandRun : IDisposable
{
    public CommandRun(JsonObject config, TimeSpan? timeLimit = null, long? seed = 7)
    {
        Folder = Directory.CreateTempSubdirectory("exec-test-");
        Context = new RunContext
        {
            RunId = 42,
            Family = "command",
            Config = config,
            Seed = seed,
            Attempt = 1,
            TimeLimit = timeLimit,
            RunFolder = new DirectoryInfo(Path.Join(Folder.FullName, "run")),
            Metrics = Metrics,
            Log = Log,
            Progress = Progress,
        };
    }

    public static CommandRun Of(string command, TimeSpan? timeLimit = null) => new(new JsonObject { ["command"] = command }, timeLimit);

    public DirectoryInfo Folder { get; }
    public RunContext Context { get; }
    public RecordingMetricSink Metrics { get; } = new();
    public RecordingRunLog Log { get; } = new();
    public RecordingProgress Progress { get; } = new();

    public string RunFolder => Context.RunFolder.FullName;

    /// <summary>Writes a script beside (not inside) the run folder, so it is not mistaken for an artifact.</summary>
    public string WriteScript(string name, string text)
    {
        var path = Path.Join(Folder.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs the executor with a guard: a hang fails the test instead of stalling the suite.</summary>
    public Task<RunOutcome> ExecuteAsync(IRunExecutor executor, CancellationToken cancellationToken = default) =>
        executor.ExecuteAsync(Context, cancellationToken).WaitAsync(TimeSpan.FromSeconds(60));

    public void Dispose()
    {
        try
        {
            Folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }
    }
}
