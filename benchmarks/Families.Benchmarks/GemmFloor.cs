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

    /// <summary>One product of the step timed alone: which layer, which of its three products, at what rate.</summary>
    public sealed record Product(string Layer, string Role, long M, long N, long K, int PerStep, double MillisecondsEach)
    {
        public double TflopPerSecond => 2.0 * M * N * K / MillisecondsEach / 1e9;
    }

    /// <summary>
    /// Each distinct product of the step alone (20 back-to-back calls each), so the table shows which of them runs far
    /// from the card's rate; the head's ∂x (K = the vocabulary, a 2,048 × 384 result) also as split-K batched products
    /// of 4 and 8 slices summed, to see whether cuBLAS's own choice for that shape leaves time on the table.
    /// </summary>
    public static IReadOnlyList<Product> MeasureEach(Device device, Shape shape, int hidden, ScalarType dtype, bool tf32)
    {
        long n = shape.Batch * shape.Context, c = shape.Width;
        var vocab = (shape.Vocab + 7) / 8 * 8;
        var layers = new (string Name, long K, long O, int Count)[]
        {
            ("q/k/v", c, 3 * c, shape.Layers), ("attention out", c, c, shape.Layers), ("SwiGLU u/v", c, 2L * hidden, shape.Layers),
            ("SwiGLU down", hidden, c, shape.Layers), ("head", c, vocab, 1),
        };
        using var scope = Torch.NewDisposeScope();
        using var allow = Torch.AllowMatmulTf32(tf32);
        var products = new List<Product>();
        double Time(Action product)
        {
            using var inner = Torch.NewDisposeScope();
            for (var i = 0; i < 3; i++) product();
            if (device.IsCuda) Cuda.Synchronize(device.Index);
            const int repeats = 20;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++) product();
            if (device.IsCuda) Cuda.Synchronize(device.Index);
            return clock.Elapsed.TotalMilliseconds / repeats;
        }
        foreach (var (name, k, o, count) in layers)
        {
            var x = Torch.Randn([n, k], dtype, device);
            var w = Torch.Randn([o, k], dtype, device);
            var dy = Torch.Randn([n, o], dtype, device);
            products.Add(new Product(name, "forward x Wᵀ", n, o, k, count, Time(() => _ = x.MatMul(w.Transpose(0, 1)))));
            products.Add(new Product(name, "∂x = ∂y W", n, k, o, count, Time(() => _ = dy.MatMul(w))));
            products.Add(new Product(name, "∂W = ∂yᵀ x", o, k, n, count, Time(() => _ = dy.Transpose(0, 1).MatMul(x))));
            // The same products with the other operand order (cuBLAS sees the transposed problem and may pick another kernel).
            products.Add(new Product(name, "forward as (W xᵀ)ᵀ", o, n, k, count, Time(() => _ = w.MatMul(x.Transpose(0, 1)))));
            products.Add(new Product(name, "∂x as (Wᵀ ∂yᵀ)ᵀ", k, n, o, count, Time(() => _ = w.Transpose(0, 1).MatMul(dy.Transpose(0, 1)))));
            products.Add(new Product(name, "∂W as (xᵀ ∂y)ᵀ", k, o, n, count, Time(() => _ = x.Transpose(0, 1).MatMul(dy))));
            if (name == "q/k/v")
            {
                // Three C-column products written into the column slices of one (N, 3C) result.
                var mmInto = new Op("aten::mm", "out");
                var qkv = Torch.Empty([n, o], dtype, device);
                var slices = Enumerable.Range(0, 3).Select(i => (W: w.Narrow(0, i * k, k).Transpose(0, 1), Out: qkv.Narrow(1, i * k, k))).ToArray();
                products.Add(new Product(name, "forward as three C-column products into one result", n, o, k, count, Time(() =>
                {
                    foreach (var (wi, yi) in slices) mmInto.CallInPlace(x, wi, yi);
                })));
                products.Add(new Product(name, "forward as (W xᵀ)ᵀ, then made contiguous", o, n, k, count, Time(() =>
                {
                    using var product = w.MatMul(x.Transpose(0, 1));
                    _ = product.Transpose(0, 1).Contiguous();
                })));
            }
            if (name != "head")
                foreach (var parts in new[] { 2, 4, 8, 16 })
                    products.Add(new Product(name, $"∂W as {parts} batched slices of K, summed", o, k, n, count, Time(() =>
                    {
                        using var partial = dy.View(parts, n / parts, o).Transpose(1, 2).Bmm(x.View(parts, n / parts, k));   // (parts, O, K)
                        _ = partial.Sum(0);
                    })));
            if (name != "head") continue;
            // The head with its weight as stored (V = the vocabulary, odd) and the logits in rows of the padded width
            // (ldc = V′): no padded copy of the weight needed, if cuBLAS keeps its aligned kernels for an odd N.
            long v = shape.Vocab;
            var weight = Torch.Randn([v, k], dtype, device);
            var logits = Torch.Empty([n, o], dtype, device);
            var logitsUsed = logits.Narrow(1, 0, v);
            var mmOut = new Op("aten::mm", "out");
            products.Add(new Product(name, "forward x Wᵀ into rows of V′ (W unpadded)", n, v, k, count,
                Time(() => mmOut.CallInPlace(x, weight.Transpose(0, 1), logitsUsed))));
            var dyUsed = dy.Narrow(1, 0, v);
            products.Add(new Product(name, "∂x = ∂y W, ∂y rows of V′, W unpadded", n, k, v, count, Time(() => _ = dyUsed.MatMul(weight))));
            products.Add(new Product(name, "∂W = ∂yᵀ x, ∂y rows of V′, W unpadded", v, k, n, count, Time(() => _ = dyUsed.Transpose(0, 1).MatMul(x))));
            foreach (var slices in new[] { 4, 8 })
            {
                var width = o / slices;   // the padded vocabulary divides by 8
                products.Add(new Product(name, $"∂x as {slices} batched slices of K, summed", n, k, o, count, Time(() =>
                {
                    using var partial = dy.View(n, slices, width).Permute(1, 0, 2).Bmm(w.View(slices, width, k));   // (slices, N, K)
                    _ = partial.Sum(0);
                })));
            }
        }
        return products;
    }

    public static void PrintEach(string precision, IReadOnlyList<Product> products)
    {
        Console.WriteLine($"The nGPT step's products one by one, {precision} (each alone, 20 calls; M × N × K of the product as cuBLAS sees it)");
        Console.WriteLine();
        Console.WriteLine("| Layer | Product | M × N × K | Per step | ms each | TFLOP/s | ms per step |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|");
        foreach (var p in products)
            Console.WriteLine($"| {p.Layer} | {p.Role} | {p.M} × {p.N} × {p.K} | {p.PerStep} | {p.MillisecondsEach:F3} | {p.TflopPerSecond:F1} | " +
                $"{(p.Role.Contains("slices") || p.Role.Contains(" as ") ? "–" : (p.PerStep * p.MillisecondsEach).ToString("F2", CultureInfo.InvariantCulture))} |");
        Console.WriteLine();
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
