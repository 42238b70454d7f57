using Dashboard.Torch;
using static System.FormattableString;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// nGPT's causal attention alone at the seed's shape, forward + backward in float32: the short-sequence kernel
/// (CausalAttention) against ATen's scaled_dot_product_attention. Twenty of them captured in one CUDA graph and replayed,
/// so that the table shows GPU time, not launch overhead; eager launches where capture fails. A kernel that is not faster
/// than ATen's here is refused for the rest of the run, so later rows run the faster of the two.
/// </summary>
internal static class AttentionTiming
{
    /// <summary>Prints the table, and refuses the kernel where it was timed and is not faster (a kernel refused by its check is not timed).</summary>
    public static void Print(Device device, Shape shape)
    {
        double? kernelUs = null, referenceUs = null;
        int b = shape.Batch, h = shape.Heads, t = shape.Context, d = shape.Width / shape.Heads;
        Console.WriteLine(Invariant($"Causal attention alone, fp32, (B, H, T, d) = ({b}, {h}, {t}, {d}), forward + backward, µs per call"));
        Console.WriteLine();
        Console.WriteLine("| Path | µs per forward + backward | How timed |");
        Console.WriteLine("|---|---:|---|");
        foreach (var kernel in new[] { true, false })
        {
            var name = kernel ? "short-sequence kernel (CausalAttention)" : "ATen scaled_dot_product_attention";
            try
            {
                var (us, how) = Time(device, shape, kernel);
                if (kernel) kernelUs = us;
                else referenceUs = us;
                Console.WriteLine(Invariant($"| {name} | {us:F1} | {how} |"));
            }
            catch (Exception e) when (e is TorchException or InvalidOperationException)
            {
                Console.WriteLine($"| {name} | – | {e.Message.Split('\n')[0]} |");
            }
        }
        Console.WriteLine();
        if (kernelUs is { } k && referenceUs is { } r && k >= r)
        {
            Fused.Refuse(FusedKernel.CausalAttention);
            Console.WriteLine("The short-sequence attention kernel is not faster here: refused, later rows run ATen's attention.\n");
        }
    }

    private static (double Microseconds, string How) Time(Device device, Shape shape, bool kernel)
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(5);
        long b = shape.Batch, h = shape.Heads, t = shape.Context, d = shape.Width / shape.Heads, c = shape.Width;
        var q = Torch.Randn([b, h, t, d]).To(device).RequiresGrad_();
        var k = Torch.Randn([b, h, t, d]).To(device).RequiresGrad_();
        var qkv = Torch.Randn([b, t, 3 * c]).To(device).RequiresGrad_();
        var gradOut = Torch.Randn([b, t, h, d]).To(device).Transpose(1, 2);
        var scale = Math.Sqrt(d);
        Tensor Values() => qkv.Narrow(2, 2 * c, c).View(b, t, h, d).Transpose(1, 2);
        // Apply would quietly run ATen's attention for a kernel that is not compiled in or was refused: say so instead.
        // The probe's views are made without autograd and freed at once: a view of qkv with a gradient function keeps
        // qkv's gradient accumulator, made on the default stream, alive; later views reuse it, and the capture fails
        // ("operation would make the legacy stream depend on a capturing blocking stream"). Disposing the last view
        // alone (ninth session) left the Narrow and View between it and qkv alive in this method's scope (tenth).
        if (kernel)
        {
            using var probe = Torch.NewDisposeScope();
            using var noGrad = Torch.NoGrad();
            if (!CausalAttention.KernelTakes(q, k, Values()))
                throw new InvalidOperationException("not taken here (not compiled in, or refused by its GPU check)");
        }
        void Once()
        {
            using var inner = Torch.NewDisposeScope();
            var y = CausalAttention.Apply(q, k, Values(), scale, useKernel: kernel);
            Autograd.Grad([y], [q, k, qkv], [gradOut]);
        }
        return GraphTimer.PerCall(device, Once);
    }
}
