using System.ComponentModel;
using System.Runtime.ExceptionServices;
using Dashboard.Domain.Families;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// Runs the "command" family: a user's own script through <c>/bin/sh -c</c>, its JSON stdout lines read as
/// metrics (see README.md in Execution/), stopped as a whole process group on cancellation or time limit.
/// </summary>
public sealed class CommandExecutor(CommandExecutorOptions? options = null) : IRunExecutor
{
    private readonly CommandExecutorOptions options = options ?? new CommandExecutorOptions();

    public bool CanExecute(string family) => family == CommandFamily.FamilyName;

    public async Task<RunOutcome> ExecuteAsync(RunContext context, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return RunOutcome.Cancelled();
        if (context.TimeLimit is { } limit && limit <= TimeSpan.Zero) return TimedOut(limit);

        context.OutputFolder.Create();
        if (options.RunAccount is { } account)
        {
            account.Own(context.OutputFolder.FullName);
            if (account.CannotWrite(context.OutputFolder.FullName) is { } why) return RunOutcome.Failed(why);
        }
        var (settings, problem) = CommandSettings.Read(context);
        if (settings is null) return RunOutcome.Failed(problem!);

        var output = new CommandOutput(context, options, settings.TotalSteps);
        foreach (var name in settings.UnresolvedPlaceholders)
            output.Note($"{{{name}}} in the command names no config value; it was left as written.");

        CommandProcess process;
        try
        {
            process = CommandProcess.Start(settings.Command, settings.WorkingDirectory, CommandEnvironment.For(context, settings),
                options.KillGrace, options.RunAccount);
        }
        catch (Win32Exception e)
        {
            return RunOutcome.Failed($"the command could not start: {e.Message}");
        }

        using (process)
        {
            if (!process.OwnGroup)
                output.Note("setsid was not found: processes the command starts in the background may outlive a stop.");
            return await SuperviseAsync(process, context, output, cancellationToken);
        }
    }

    private async Task<RunOutcome> SuperviseAsync(CommandProcess process, RunContext context, CommandOutput output, CancellationToken cancellationToken)
    {
        using var timeLimit = new CancellationTokenSource();
        if (context.TimeLimit is { } limit && limit < TimeSpan.FromMilliseconds(int.MaxValue)) timeLimit.CancelAfter(limit);
        // Fires when recording the output failed (the host's log or sink threw): the run is stopped, then the error rethrown.
        using var broken = new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeLimit.Token, broken.Token);
        using var stopReading = new CancellationTokenSource();

        ExceptionDispatchInfo? recordingError = null;
        void OnRecordingError(Exception e)
        {
            Interlocked.CompareExchange(ref recordingError, ExceptionDispatchInfo.Capture(e), null);
            broken.Cancel();
        }
        var readers = Task.WhenAll(
            PumpAsync(process.StandardOutput, RunLogStreams.Stdout, output, OnRecordingError, stopReading.Token),
            PumpAsync(process.StandardError, RunLogStreams.Stderr, output, OnRecordingError, stopReading.Token));

        try
        {
            await process.WaitForExitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Told to stop; the checks below say by whom.
        }
        var exitedByItself = process.HasExited;

        var leftovers = await process.StopAsync(options.KillGrace);
        if (leftovers && exitedByItself)
            output.Note("the command exited but left processes running; they were stopped.");
        await WaitForShellAsync(process, output);
        await DrainAsync(readers, stopReading, output);

        recordingError?.Throw();
        if (exitedByItself) return Outcome(process.ExitCode, output);
        if (cancellationToken.IsCancellationRequested) return RunOutcome.Cancelled();
        return TimedOut(context.TimeLimit!.Value);
    }

    private async Task PumpAsync(Stream stream, string name, CommandOutput output, Action<Exception> onRecordingError, CancellationToken cancellationToken)
    {
        var reader = new BoundedLineReader(stream, options.MaxLineBytes);
        while (true)
        {
            OutputLine? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                return; // the pipe was closed under us, or we stopped waiting for it
            }
            if (line is null) return;
            try
            {
                output.Accept(name, line.Value);
            }
            catch (Exception e)
            {
                onRecordingError(e);
                return;
            }
        }
    }

    /// <summary>After SIGKILL the shell is gone at once, unless the kernel holds it (a hung GPU driver); never wait forever.</summary>
    private static async Task WaitForShellAsync(CommandProcess process, CommandOutput output)
    {
        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            output.Note("the command's shell did not exit 5 s after SIGKILL; giving up on it.");
        }
    }

    /// <summary>The pipes close when the last process holding them ends; one that left the group could hold them for ever.</summary>
    private async Task DrainAsync(Task readers, CancellationTokenSource stopReading, CommandOutput output)
    {
        try
        {
            await readers.WaitAsync(options.OutputDrainTimeout);
        }
        catch (TimeoutException)
        {
            output.Note("a process outside the command's process group still holds its output open; stopped reading it.");
            stopReading.Cancel();
            await readers;
        }
    }

    private RunOutcome Outcome(int exitCode, CommandOutput output)
    {
        if (exitCode == 0) return RunOutcome.Succeeded();
        // Shells report a child killed by signal N as 128 + N (137: SIGKILL, often the out-of-memory killer).
        var signal = exitCode is > 128 and < 160 ? $" (killed by signal {exitCode - 128}?)" : "";
        var tail = output.Tail();
        return RunOutcome.Failed(tail.Length == 0
            ? $"exit code {exitCode}{signal}; the command printed nothing."
            : $"exit code {exitCode}{signal}; last output:\n{tail}");
    }

    private static RunOutcome TimedOut(TimeSpan limit) => RunOutcome.TimedOut($"time limit of {Describe(limit)} reached; the command was stopped.");

    private static string Describe(TimeSpan span) => span switch
    {
        { TotalSeconds: < 60 } => $"{span.TotalSeconds:0.###} s",
        { TotalHours: < 1 } => $"{span.TotalMinutes:0.##} min",
        _ => $"{span.TotalHours:0.##} h",
    };
}
