namespace Dashboard.Torch;

// Elementwise functions, comparisons and reductions.
public sealed partial class Tensor
{
    public Tensor Neg() => Ops.Neg.Call(this);
    public Tensor Exp() => Ops.Exp.Call(this);
    public Tensor Log() => Ops.Log.Call(this);
    public Tensor Abs() => Ops.Abs.Call(this);
    public Tensor Sqrt() => Ops.Sqrt.Call(this);
    public Tensor Rsqrt() => Ops.Rsqrt.Call(this);
    public Tensor Reciprocal() => Ops.Reciprocal.Call(this);
    public Tensor Square() => Ops.Square.Call(this);
    public Tensor Pow(double exponent) => Ops.PowScalar.Call(this, exponent);
    public Tensor Pow(Tensor exponent) => Ops.PowTensor.Call(this, exponent);
    public Tensor Sin() => Ops.Sin.Call(this);
    public Tensor Cos() => Ops.Cos.Call(this);
    public Tensor Tanh() => Ops.Tanh.Call(this);
    public Tensor Sigmoid() => Ops.Sigmoid.Call(this);
    public Tensor Relu() => Ops.Relu.Call(this);
    public Tensor Silu() => Ops.Silu.Call(this);

    /// <summary>log(1 + exp(βx))/β, linear above <paramref name="threshold"/> (PyTorch's defaults).</summary>
    public Tensor Softplus(double beta = 1, double threshold = 20) => Ops.Softplus.Call(this, beta, threshold);

    /// <summary>GELU; <paramref name="approximate"/> is "none" (erf) or "tanh".</summary>
    public Tensor Gelu(string approximate = "none") => Ops.Gelu.Call(this, approximate);

    public Tensor Clamp(double? min = null, double? max = null) => Ops.Clamp.Call(this, Arg.Optional(min), Arg.Optional(max));
    public Tensor ClampMin(double min) => Ops.ClampMin.Call(this, min);
    public Tensor Maximum(Tensor other) => Ops.Maximum.Call(this, other);
    public Tensor Minimum(Tensor other) => Ops.Minimum.Call(this, other);

    /// <summary>this + weight * (end - this).</summary>
    /// <summary>Angle of (x = other, y = this) in radians, elementwise.</summary>
    public Tensor Atan2(Tensor other) => Ops.Atan2.Call(this, other);

    public Tensor Lerp(Tensor end, double weight) => Ops.Lerp.Call(this, end, weight);

    public Tensor Eq(Tensor other) => Ops.Eq.Call(this, other);
    public Tensor Eq(double other) => Ops.EqScalar.Call(this, other);
    public Tensor Ne(Tensor other) => Ops.Ne.Call(this, other);
    public Tensor Gt(Tensor other) => Ops.Gt.Call(this, other);
    public Tensor Gt(double other) => Ops.GtScalar.Call(this, other);
    public Tensor Lt(Tensor other) => Ops.Lt.Call(this, other);
    public Tensor Lt(double other) => Ops.LtScalar.Call(this, other);
    public Tensor Ge(double other) => Ops.Ge.Call(this, other);
    public Tensor Le(double other) => Ops.Le.Call(this, other);
    public Tensor LogicalNot() => Ops.LogicalNot.Call(this);
    public Tensor LogicalAnd(Tensor other) => Ops.LogicalAnd.Call(this, other);

    public Tensor Sum(ScalarType? dtype = null) => Ops.Sum.Call(this, Arg.Optional(dtype));
    public Tensor Sum(int dim, bool keepDim = false) => Ops.SumDim.Call(this, new long[] { dim }, keepDim);
    public Tensor Sum(long[] dims, bool keepDim = false) => Ops.SumDim.Call(this, dims, keepDim);
    public Tensor Mean() => Ops.Mean.Call(this);
    public Tensor Mean(int dim, bool keepDim = false) => Ops.MeanDim.Call(this, new long[] { dim }, keepDim);
    public Tensor Mean(long[] dims, bool keepDim = false) => Ops.MeanDim.Call(this, dims, keepDim);

    /// <summary>Variance over <paramref name="dim"/> with Bessel's correction unless <paramref name="unbiased"/> is false.</summary>
    public Tensor Var(int dim, bool unbiased = true, bool keepDim = false) =>
        Ops.Var.Call(this, new long[] { dim }, unbiased ? 1L : 0L, keepDim);

    public Tensor Std(int dim, bool unbiased = true, bool keepDim = false) =>
        Ops.Std.Call(this, new long[] { dim }, unbiased ? 1L : 0L, keepDim);

    public Tensor Max() => Ops.Max.Call(this);
    public Tensor Min() => Ops.Min.Call(this);

    /// <summary>Maximum along a dimension: (values, indices).</summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => Pair(Ops.MaxDim.CallMany(this, (long)dim, keepDim));
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => Pair(Ops.MinDim.CallMany(this, (long)dim, keepDim));
    public Tensor Amax(int dim, bool keepDim = false) => Ops.Amax.Call(this, new long[] { dim }, keepDim);
    public Tensor Amax(long[] dims, bool keepDim = false) => Ops.Amax.Call(this, dims, keepDim);
    public Tensor Argmax(int dim, bool keepDim = false) => Ops.Argmax.Call(this, (long)dim, keepDim);
    public Tensor Argmin(int dim, bool keepDim = false) => Ops.Argmin.Call(this, (long)dim, keepDim);
    public Tensor LogSumExp(int dim, bool keepDim = false) => Ops.LogSumExp.Call(this, new long[] { dim }, keepDim);
    public Tensor Cumsum(int dim) => Ops.Cumsum.Call(this, (long)dim);

    /// <summary>p-norm over <paramref name="dim"/>.</summary>
    public Tensor Norm(int dim, double p = 2.0, bool keepDim = false) => Ops.Norm.Call(this, p, new long[] { dim }, keepDim);

    /// <summary>p-norm of all elements.</summary>
    public Tensor Norm(double p = 2.0) => Ops.NormAll.Call(this, p);

    /// <summary>The k largest (or smallest) elements along a dimension: (values, indices).</summary>
    public (Tensor Values, Tensor Indices) TopK(long k, int dim = -1, bool largest = true, bool sorted = true) =>
        Pair(Ops.TopK.CallMany(this, k, (long)dim, largest, sorted));

    public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false) =>
        Pair(Ops.Sort.CallMany(this, (long)dim, descending));

    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8) =>
        ScalarBool(Ops.AllClose.CallMany(this, other, rtol, atol));

    /// <summary>Same shape and exactly equal elements.</summary>
    public bool Equal(Tensor other) => ScalarBool(Ops.Equal.CallMany(this, other));

    public Tensor Bmm(Tensor other) => Ops.Bmm.Call(this, other);
    public Tensor Mm(Tensor other) => Ops.Mm.Call(this, other);

    private static (Tensor, Tensor) Pair(Tensor?[] outputs) => (outputs[0]!, outputs[1]!);

    private static bool ScalarBool(Tensor?[] outputs)
    {
        using var t = outputs[0]!;
        return t.ToInt64() != 0;
    }
}
