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

    /// <summary>
    /// Restores model (and optimizer, and generator) state; returns the file's metadata. Each tensor streams from the file
    /// straight into the model's own tensor (or, for optimizer state, a tensor on its parameter's device, one parameter at
    /// a time), so the load needs no second copy of the model in memory.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(string path, Module model, Optimizer? optimizer = null, bool restoreRngState = true)
    {
        using var file = SafeTensorsReader.Open(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format)
            throw new InvalidDataException($"{path}: not a {Format} file");
        var own = model.StateDict();
        var stored = file.Names.Where(n => !n.StartsWith(OptimizerPrefix, StringComparison.Ordinal) && n != RngKey).ToHashSet();
        var missing = own.Keys.Where(k => !stored.Contains(k)).ToList();
        var unexpected = stored.Where(k => !own.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new ArgumentException($"state mismatch; missing: [{string.Join(", ", missing)}], unexpected: [{string.Join(", ", unexpected)}]");
        foreach (var (name, target) in own) file.ReadInto(name, target);
        if (optimizer is not null) LoadOptimizer(file, optimizer);
        if (restoreRngState && file.Contains(RngKey))
        {
            using var rng = file.Read(RngKey);
            Torch.SetRngState(rng);
        }
        return file.Metadata;
    }

    /// <summary>
    /// Optimizer state is keyed "{parameter index}.{name}"; it is handed over one parameter at a time (read onto that
    /// parameter's device, then freed), with the scalar values shared by all and those of that parameter.
    /// </summary>
    private static void LoadOptimizer(SafeTensorsReader file, Optimizer optimizer)
    {
        var values = file.Metadata.Where(kv => kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[OptimizerPrefix.Length..], kv => kv.Value);
        static int? IndexOf(string key) => key.IndexOf('.') is var dot and > 0 && int.TryParse(key[..dot], out var i) ? i : null;
        var shared = values.Where(kv => IndexOf(kv.Key) is null).ToDictionary(kv => kv.Key, kv => kv.Value);
        var parameters = optimizer.Groups.SelectMany(g => g.Parameters).ToList();
        var tensorNames = file.Names.Where(n => n.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .Select(n => n[OptimizerPrefix.Length..]).ToList();
        var indices = values.Keys.Concat(tensorNames).Select(IndexOf).OfType<int>().Distinct().Order().ToList();
        if (indices.Count == 0)
        {
            optimizer.LoadState(new Dictionary<string, Tensor>(), shared);
            return;
        }
        foreach (var index in indices)
        {
            var prefix = $"{index}.";
            var device = index < parameters.Count ? parameters[index].Device : Device.Cpu;
            var tensors = new Dictionary<string, Tensor>();
            try
            {
                foreach (var key in tensorNames.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
                    tensors[key] = file.Read(OptimizerPrefix + key, device);
                var mine = new Dictionary<string, string>(shared);
                foreach (var (k, v) in values)
                    if (k.StartsWith(prefix, StringComparison.Ordinal)) mine[k] = v;
                optimizer.LoadState(tensors, mine);
            }
            finally
            {
                foreach (var t in tensors.Values) t.Dispose();
            }
        }
    }
}
