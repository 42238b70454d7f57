namespace Dashboard.Torch.Tests;

/// <summary>
/// Compares autograd's gradients with central finite differences in float64: the loss is
/// sum(f(inputs) · w) for a fixed random w, so every output element contributes.
/// </summary>
internal static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, params (double[] Data, long[] Shape)[] inputs) =>
        Check(f, inputs.Select(_ => true).ToArray(), inputs);

    public static void Check(Func<Tensor[], Tensor> f, bool[] differentiable, params (double[] Data, long[] Shape)[] inputs)
    {
        using var scope = Torch.NewDisposeScope();
        var xs = inputs.Select((x, i) => Make(x.Data, x.Shape, differentiable[i])).ToArray();
        var output = f(xs);
        var w = Torch.Randn(output.Shape, ScalarType.Float64);
        (output * w).Sum().Backward();
        const double h = 1e-6;
        for (var i = 0; i < inputs.Length; i++)
        {
            if (!differentiable[i]) continue;
            var analytic = xs[i].Grad?.ToArray<double>() ?? new double[inputs[i].Data.Length];
            for (var j = 0; j < inputs[i].Data.Length; j++)
            {
                var numeric = (Loss(f, inputs, w, i, j, h) - Loss(f, inputs, w, i, j, -h)) / (2 * h);
                Math.Abs(analytic[j] - numeric).Should().BeLessThan(1e-6 + 1e-5 * Math.Abs(numeric),
                    $"d loss / d input{i}[{j}]: analytic {analytic[j]}, numeric {numeric}");
            }
        }
    }

    private static double Loss(Func<Tensor[], Tensor> f, (double[] Data, long[] Shape)[] inputs, Tensor w, int which, int element, double delta)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var xs = inputs.Select((x, i) =>
        {
            var data = (double[])x.Data.Clone();
            if (i == which) data[element] += delta;
            return Make(data, x.Shape, false);
        }).ToArray();
        return (f(xs) * w).Sum().ToDouble();
    }

    private static Tensor Make(double[] data, long[] shape, bool requiresGrad)
    {
        var t = Tensor.From(data, shape);
        return requiresGrad ? t.RequiresGrad_() : t;
    }

    private static readonly Random s_random = new(1234);

    public static (double[] Data, long[] Shape) Random(params long[] shape) => Random(-1, 1, shape);

    public static (double[] Data, long[] Shape) Random(double low, double high, params long[] shape)
    {
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var data = new double[n];
        for (var i = 0; i < n; i++) data[i] = low + (high - low) * s_random.NextDouble();
        return (data, shape);
    }
}
