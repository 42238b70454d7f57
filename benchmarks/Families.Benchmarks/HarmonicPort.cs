using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Torch;
using Dashboard.Torch.Checkpoints;
using Dashboard.Worker.Experiments.Harmonic;
using Dashboard.Worker.Experiments.Harmonic.Gpt;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// The link between the binding's GPT rows and their PyTorch port (harmonic_gpt.py): the binding writes each model's
/// weights, config, the token ids it times and the logits it computes for them; harmonic_reference.py builds the port
/// from that config, loads the weights under the binding's names (strict) and times the same ids. A port whose
/// parameter count or logits differ from the binding's computes another function: its PyTorch figures are refused.
/// </summary>
internal static class HarmonicPort
{
    /// <summary>
    /// Largest |logit difference| accepted, relative to max(1, largest |logit|): fp32 through the same aten ops (the
    /// fused attention or, on libtorch 1.13, the same composed one) differs by rounding only; a different wave set
    /// (one token attending globally instead of locally) or a different layer shows as far more.
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>Writes <paramref name="path"/>: the state dict, "input.ids" (host), "output.logits" and the config as metadata.</summary>
    public static void Write(string path, HarmonicGpt gpt, HarmonicConfig config, Tensor hostIds, Tensor deviceIds)
    {
        using var scope = Torch.NewDisposeScope();
        Tensor logits;
        gpt.Eval();
        try
        {
            using var inference = Torch.InferenceMode();
            logits = gpt.Forward(deviceIds).Cpu();                                             // (B, T, vocab)
        }
        finally
        {
            gpt.Train();
        }
        var tensors = new Dictionary<string, Tensor>(gpt.StateDict()) { ["input.ids"] = hostIds, ["output.logits"] = logits };
        // harmonic_gpt.GPT's arguments, so that the port is built from the config the binding ran, not from its own copy.
        var shape = new JsonObject
        {
            ["layers"] = config.Layers, ["width"] = config.Width, ["heads"] = config.Heads, ["context"] = config.Context,
            ["vocab"] = config.Vocab, ["window"] = config.Window, ["wave_fraction"] = config.WaveFraction, ["experts"] = config.Experts,
            ["wave_selection"] = config.WaveSelection,
        };
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["model"] = config.Model, ["config"] = shape.ToJsonString() });
    }

    /// <summary>
    /// Why the port's figures for <paramref name="model"/> must not be shown beside the binding's, or null where its
    /// parameter count matches and its logits match within <see cref="Tolerance"/> (or where it was not checked:
    /// <see cref="CheckCell"/> says so).
    /// </summary>
    public static string? Refusal(JsonObject reference, string model, long? bindingParameters)
    {
        if (reference["errors"]?[model]?["build"] is { } build) return $"the port could not be built from the binding's weights: {build.GetValue<string>()}";
        var portParameters = reference["parameters"]?[model]?.GetValue<long>();
        if (portParameters is { } p && bindingParameters is { } b && p != b)
            return $"{p:N0} parameters in the port, {b:N0} in the binding";
        if (reference["check"]?[model] is JsonObject check && Difference(check) is var (diff, limit) && !(diff <= limit))
            return $"logits differ by up to {diff.ToString("G3", CultureInfo.InvariantCulture)} (tolerance {limit.ToString("G3", CultureInfo.InvariantCulture)})";
        return null;
    }

    /// <summary>
    /// Why one timed PyTorch path (graph, compile) of <paramref name="model"/> must not be shown: its logits for the
    /// timed ids differ from the binding's; null where they match or where the path returned none.
    /// </summary>
    public static string? PathRefusal(JsonObject reference, string model, string mode)
    {
        if (reference["check"]?[model] is not JsonObject check || check["paths"] is not JsonObject paths || !paths.ContainsKey(mode)) return null;
        var diff = paths[mode]?.GetValue<double>() ?? double.NaN;
        var limit = Difference(check).Limit;
        return diff <= limit ? null
            : $"its logits differ from the binding's by {(double.IsNaN(diff) ? "a non-finite amount or in shape" : diff.ToString("G3", CultureInfo.InvariantCulture))} " +
              $"(tolerance {limit.ToString("G3", CultureInfo.InvariantCulture)})";
    }

    /// <summary>The table's cell: the largest logit difference, or why there is none.</summary>
    public static string CheckCell(JsonObject? reference, string model)
    {
        if (reference is null) return "–";
        if (reference["check"]?[model] is not JsonObject check) return "not checked (port's own init)";
        var (diff, limit) = Difference(check);
        var paths = check["paths"] is JsonObject p && p.Count > 0
            ? " (" + string.Join(", ", p.Select(kv => $"{kv.Key} {(kv.Value?.GetValue<double>() is { } d ? d.ToString("0.0e+0", CultureInfo.InvariantCulture) : "NaN")}")) + ")"
            : "";
        return $"{(double.IsNaN(diff) ? "NaN" : diff.ToString("0.0e+0", CultureInfo.InvariantCulture))} {(diff <= limit ? "✓" : "✗")}{paths}";
    }

    /// <summary>The eager port's largest difference (NaN where the script wrote null) and the tolerance it is held to.</summary>
    private static (double Diff, double Limit) Difference(JsonObject check) =>
        (check["max_abs_diff"]?.GetValue<double>() ?? double.NaN, Tolerance * Math.Max(1.0, check["max_abs_logit"]?.GetValue<double>() ?? 0.0));
}
