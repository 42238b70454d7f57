using System.Globalization;
using Dashboard.Torch.Checkpoints;
using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;

namespace Dashboard.Worker.Experiments.Training;

/// <summary>
/// The run's latest checkpoint (model, optimizer, RNG, step) in its folder. A requeued run finds it and goes
/// on from the next step, so its curve continues; metric writes are idempotent, so nothing is duplicated.
/// </summary>
public sealed class TrainingCheckpoint(DirectoryInfo runFolder)
{
    private const string StepKey = "step";

    /// <summary>The folder of the run's checkpoints; with an S3 artifact store the worker uploads it while the run goes on.</summary>
    public const string FolderName = "checkpoints";

    /// <summary>The name of a checkpoint being written (moved into place when complete); never uploaded.</summary>
    public const string PartialSuffix = ".partial";

    public string Path { get; } = System.IO.Path.Combine(runFolder.FullName, FolderName, "latest.safetensors");

    /// <summary>The step the checkpoint was taken after, with model and optimizer restored; null when there is none.</summary>
    public long? TryResume(Module model, Optimizer optimizer) => TryResume(model, optimizer, out _);

    /// <summary>As <see cref="TryResume(Module, Optimizer)"/>, also giving the file's metadata (what the trainer saved beside the step).</summary>
    public long? TryResume(Module model, Optimizer optimizer, out IReadOnlyDictionary<string, string> metadata)
    {
        metadata = new Dictionary<string, string>();
        if (!File.Exists(Path)) return null;
        metadata = Checkpoint.Load(Path, model, optimizer);
        return long.Parse(metadata[StepKey], CultureInfo.InvariantCulture);
    }

    /// <summary>Saves after <paramref name="step"/>; written beside and moved into place, so a kill never leaves half a file.</summary>
    /// <param name="extra">More metadata to keep beside the step (for example a counter the trainer carries).</param>
    public void Save(Module model, Optimizer optimizer, long step, IReadOnlyDictionary<string, string>? extra = null)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var partial = Path + PartialSuffix;
        var metadata = new Dictionary<string, string> { [StepKey] = step.ToString(CultureInfo.InvariantCulture) };
        if (extra is not null)
            foreach (var (k, v) in extra) metadata[k] = v;
        Checkpoint.Save(partial, model, optimizer, metadata);
        File.Move(partial, Path, overwrite: true);
    }
}
