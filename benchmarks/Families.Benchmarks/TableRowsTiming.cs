using Dashboard.Torch;
using static System.FormattableString;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// nGPT's two table-row operations alone at the seed's shape, float32, forward + backward: the head's scaled rows
/// s_z ⊙ E_out (V, C) and the token embedding's lookup with its (V, C) gradient, each with its kernel (TableRows)
/// against its ATen reference. Timed by <see cref="GraphTimer"/>. The floor: each pass over a float32 (V, C) table
/// moves 4·V·C bytes (77 MB at GPT-2's vocabulary and C = 384, ~23 µs at an H100's ~3.35 TB/s).
/// </summary>
internal static class TableRowsTiming
{
    public static void Print(Device device, Shape shape)
    {
        long v = shape.Vocab, c = shape.Width;
        Console.WriteLine(Invariant($"Table rows alone, fp32, ({v}, {c}) tables, forward + backward, µs per call (kernel rows say \"not taken\" where not compiled in or refused)"));
        Console.WriteLine();
        Console.WriteLine("| Operation | Path | µs per forward + backward | Passes over the table (floor) | How timed |");
        Console.WriteLine("|---|---|---:|---|---|");
        var refused = new List<string>();
        var scaled = new[] { true, false }.Select(kernel =>
            Row("head rows scaled, w ⊙ (k·s)", kernel, "kernel: 2 + 3", "ATen: 2 + 6", () => ScaledRows(device, v, c, kernel))).ToArray();
        if (scaled is [{ } ks, { } rs] && ks >= rs) { Fused.Refuse(FusedKernel.ScaledRows); refused.Add("scaled rows"); }
        // Three token draws: ids uniform over the vocabulary; the product's (bytes: the first 256 ids, so each id repeats
        // ~B·T/256 times and all fall in a few of the table's rows), which the nGPT rows train on; and bytes with a fifth
        // of them one id, as spaces are in text (one row summed from ~400 gradient rows).
        var notFaster = false;
        var draws = new[] { ("uniform ids", (long)shape.Vocab, false), ("ids < 256, as the product's bytes", 256L, false),
            ("ids < 256, a fifth of them one id (text's spaces)", 256L, true) };
        foreach (var (draw, ids, crowded) in draws)
        {
            var embedding = new[] { true, false }.Select(kernel =>
                Row(Invariant($"embedding of {shape.Batch} × {shape.Context} tokens, {draw}"), kernel, "kernel: 1 (the gradient written once)",
                    "ATen: 1 (a zero fill) and a scatter of the token rows", () => Embedding(device, shape, Math.Min(ids, shape.Vocab), crowded, kernel))).ToArray();
            notFaster |= embedding is [{ } k, { } r] && k >= r;
        }
        if (notFaster) { Fused.Refuse(FusedKernel.EmbeddingGradient); refused.Add("embedding gradient"); }
        Console.WriteLine();
        // As the attention kernel: one that is not faster here is refused, so the nGPT rows run the faster path.
        if (refused.Count > 0) Console.WriteLine($"Not faster here, refused for the nGPT rows: {string.Join(", ", refused)}.\n");
    }

    /// <summary>Prints the row; returns its µs, or null where not measured.</summary>
    private static double? Row(string operation, bool kernel, string kernelPasses, string referencePasses, Func<(double, string)> time)
    {
        var path = kernel ? "kernel (TableRows)" : "ATen reference";
        var passes = kernel ? kernelPasses : referencePasses;
        try
        {
            var (us, how) = time();
            Console.WriteLine(Invariant($"| {operation} | {path} | {us:F1} | {passes} | {how} |"));
            return us;
        }
        catch (Exception e) when (e is TorchException or InvalidOperationException)
        {
            Console.WriteLine($"| {operation} | {path} | – | {passes} | {e.Message.Split('\n')[0]} |");
            return null;
        }
    }

    private static (double, string) ScaledRows(Device device, long v, long c, bool kernel)
    {
        using var scope = Torch.NewDisposeScope();
        var w = Torch.Randn([v, c]).To(device).RequiresGrad_();
        var s = Torch.Randn([v]).To(device).RequiresGrad_();
        var gradOut = Torch.Randn([v, c]).To(device);
        if (kernel && !TableRows.KernelTakesScaled(w, s)) throw new InvalidOperationException("not taken here (not compiled in, or refused by its GPU check)");
        return GraphTimer.PerCall(device, () =>
        {
            using var inner = Torch.NewDisposeScope();
            Autograd.Grad([TableRows.Scaled(w, s, 19.6, useKernel: kernel)], [w, s], [gradOut]);
        });
    }

    private static (double, string) Embedding(Device device, Shape shape, long ids, bool crowded, bool kernel)
    {
        using var scope = Torch.NewDisposeScope();
        var w = Torch.Randn([shape.Vocab, shape.Width]).To(device).RequiresGrad_();
        long[] tokenShape = [shape.Batch, shape.Context];
        var tokens = Torch.RandInt(0, ids, tokenShape);
        if (crowded) tokens = Torch.Where(Torch.Rand(tokenShape).Lt(0.2), Torch.Full(tokenShape, 32, ScalarType.Int64), tokens);
        tokens = tokens.To(device);
        var gradOut = Torch.Randn([shape.Batch, shape.Context, shape.Width]).To(device);
        if (kernel && !TableRows.KernelTakesEmbedding(w, tokens)) throw new InvalidOperationException("not taken here (not compiled in, or refused by its GPU check)");
        return GraphTimer.PerCall(device, () =>
        {
            using var inner = Torch.NewDisposeScope();
            Autograd.Grad([TableRows.Embedding(w, tokens, useKernel: kernel)], [w], [gradOut]);
        });
    }
}
