using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;

namespace Dashboard.Torch.Checkpoints;

/// <summary>
/// A training checkpoint in one safetensors file: the model's parameters and buffers under their
/// own names (loadable by PyTorch as a state_dict), the optimizer's state under "optimizer.*",
/// the CPU generator under "rng.cpu", and string metadata (optimizer scalars prefixed
/// "optimizer.", plus the caller's). Loading it restores everything, so training resumes
/// bit-identically on CPU.
/// </summary>
public static class Checkpoint
{
    public const string Format = "dashboard.torch.checkpoint/1";
    private const string OptimizerPrefix = "optimizer.";
    private const string RngKey = "rng.cpu";

    public static void Save(string path, Module model, Optimizer? optimizer = null,
        IReadOnlyDictionary<string, string>? metadata = null, bool includeRngState = true)
    {
        var tensors = new Dictionary<string, Tensor>(model.StateDict());
        var meta = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["torch_version"] = Torch.Version,
        };
        if (metadata is not null)
            foreach (var (k, v) in metadata) meta[k] = v;
        if (optimizer is not null)
        {
            foreach (var (k, t) in optimizer.StateTensors()) tensors[OptimizerPrefix + k] = t;
            foreach (var (k, v) in optimizer.StateValues()) meta[OptimizerPrefix + k] = v;
        }
        using var rng = includeRngState ? Torch.GetRngState().DetachFromDisposeScope() : null;
        if (rng is not null) tensors[RngKey] = rng;
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>Restores model (and optimizer, and generator) state; returns the file's metadata.</summary>
    public static IReadOnlyDictionary<string, string> Load(string path, Module model, Optimizer? optimizer = null, bool restoreRngState = true)
    {
        using var file = SafeTensors.Load(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format)
            throw new InvalidDataException($"{path}: not a {Format} file");
        var modelState = file.Tensors
            .Where(kv => !kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal) && kv.Key != RngKey)
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        model.LoadStateDict(modelState);
        if (optimizer is not null)
        {
            var tensors = file.Tensors.Where(kv => kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[OptimizerPrefix.Length..], kv => kv.Value);
            var values = file.Metadata.Where(kv => kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[OptimizerPrefix.Length..], kv => kv.Value);
            optimizer.LoadState(tensors, values);
        }
        if (restoreRngState && file.Tensors.TryGetValue(RngKey, out var rng)) Torch.SetRngState(rng);
        return file.Metadata;
    }
}
