using System.Diagnostics;
using System.Globalization;
using Dashboard.Torch;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// The floor under the nGPT step that no fusion moves: its matrix products alone (every linear layer's forward product
/// and its two backward ones, the head's included; attention's are left out, ~0.1 % of the FLOPs), run back to back
/// through the binding's cuBLAS in each precision, at the step's shapes and layouts. A step can be no faster than
/// this, so "tokens/s if the step were its GEMMs alone" bounds what any path — the binding's or torch.compile's — can
/// reach with these products.
/// </summary>
internal static class GemmFloor
{
    public sealed record Row(string Precision, int Gemms, double Gflop, double Milliseconds)
    {
        public double TflopPerSecond => Gflop / Milliseconds;
    }

    public static IReadOnlyList<Row> Measure(Device device, Shape shape, int hidden)
    {
        long n = shape.Batch * shape.Context, c = shape.Width;
        var vocab = (shape.Vocab + 7) / 8 * 8;   // the head's rows as the fused head pads them
        // (inputs K, outputs O) of every linear layer of one step: per block q/k/v as one product, the attention's
        // output, SwiGLU's u/v as one product and its down projection; then the head.
        var layers = Enumerable.Range(0, shape.Layers)
            .SelectMany(_ => new (long K, long O)[] { (c, 3 * c), (c, c), (c, 2L * hidden), (hidden, c) })
            .Append((c, vocab)).ToList();
        var rows = new List<Row>();
        foreach (var (precision, dtype, tf32) in new[] { ("fp32", ScalarType.Float32, false), ("tf32", ScalarType.Float32, true), ("bf16", ScalarType.BFloat16, false) })
        {
            using var scope = Torch.NewDisposeScope();
            using var allow = Torch.AllowMatmulTf32(tf32);
            var operands = layers.Select(l => (
                X: Torch.Randn([n, l.K], dtype, device), W: Torch.Randn([l.O, l.K], dtype, device), DY: Torch.Randn([n, l.O], dtype, device))).ToList();
            void Step()
            {
                using var inner = Torch.NewDisposeScope();
                foreach (var (x, w, dy) in operands)
                {
                    _ = x.MatMul(w.Transpose(0, 1));    // forward: y = x Wᵀ          (N, O)
                    _ = dy.MatMul(w);                   // ∂x = ∂y W                  (N, K)
                    _ = dy.Transpose(0, 1).MatMul(x);   // ∂W = ∂yᵀ x                 (O, K)
                }
            }
            for (var i = 0; i < 3; i++) Step();
            Cuda.Synchronize(device.Index);
            const int repeats = 10;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++) Step();
            Cuda.Synchronize(device.Index);
            var ms = clock.Elapsed.TotalMilliseconds / repeats;
            var gflop = 3 * 2.0 * n * layers.Sum(l => (double)l.K * l.O) / 1e9;
            rows.Add(new Row(precision, 3 * layers.Count, gflop, ms));
        }
        return rows;
    }

    /// <summary>Prints the floor beside the measured step (binding graph, torch.compile) of each precision.</summary>
    public static void Print(IReadOnlyList<Row> rows, Shape shape, Func<string, (double? Binding, double? Compile)> measured)
    {
        var tokens = (double)shape.Batch * shape.Context;
        Console.WriteLine("The nGPT step's matrix products alone (the floor no fusion moves): every linear layer's forward and two backward GEMMs, " +
            "the head's included, back to back through cuBLAS at the step's shapes");
        Console.WriteLine();
        Console.WriteLine("| Precision | GEMMs / step | GFLOP / step | GEMMs alone (ms) | TFLOP/s | Tokens/s if the step were its GEMMs | Binding graph (tokens/s) | " +
            "Binding's step over its GEMMs (ms) | torch.compile (tokens/s) | 1.2 × torch.compile |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var ceiling = tokens / (row.Milliseconds / 1000);
            var (binding, compile) = measured(row.Precision);
            var rest = binding is { } b ? (tokens / b * 1000 - row.Milliseconds).ToString("F2", CultureInfo.InvariantCulture) : "–";
            Console.WriteLine($"| {row.Precision} | {row.Gemms} | {row.Gflop:F0} | {row.Milliseconds:F2} | {row.TflopPerSecond:F0} | {ceiling:N0} | " +
                $"{(binding is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "–")} | {rest} | " +
                $"{(compile is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "–")} | " +
                $"{(compile is { } q ? (1.2 * q).ToString("N0", CultureInfo.InvariantCulture) : "–")} |");
        }
        Console.WriteLine();
    }
}
