namespace Dashboard.Torch;

public static partial class Torch
{
    /// <summary>Uninitialised memory: fill it before reading.</summary>
    public static unsafe Tensor Empty(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var dev = device ?? Device.Cpu;
        fixed (long* s = shape)
            return Tensor.Wrap(Native.NativeMethods.dt_tensor_empty(s, shape.Length, (int)dtype, (int)dev.Type, dev.Index, out var h), h);
    }

    public static Tensor Zeros(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Ops.Zeros.Call(shape, dtype, Arg.None, device ?? Device.Cpu);

    public static Tensor Ones(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Ops.Ones.Call(shape, dtype, Arg.None, device ?? Device.Cpu);

    public static Tensor Full(long[] shape, double value, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Ops.Full.Call(shape, value, dtype, Arg.None, device ?? Device.Cpu);

    public static Tensor ZerosLike(Tensor t) => Ops.ZerosLike.Call(t);

    public static Tensor OnesLike(Tensor t) => Ops.OnesLike.Call(t);

    public static Tensor Eye(long n, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Ops.Eye.Call(n, dtype, Arg.None, device ?? Device.Cpu);

    /// <summary>
    /// The (row, column) indices of the lower triangle of a rows×cols matrix, shape (2, n), row-major:
    /// (0,0), (1,0), (1,1), (2,0), … (PyTorch's and NumPy's tril_indices order).
    /// </summary>
    public static Tensor TrilIndices(long rows, long cols, long offset = 0, Device? device = null) =>
        Ops.TrilIndices.Call(rows, cols, offset, ScalarType.Int64, Arg.None, device ?? Device.Cpu);

    /// <summary>start, start+step, ... below end.</summary>
    public static Tensor Arange(double start, double end, double step = 1, ScalarType dtype = ScalarType.Int64, Device? device = null) =>
        Ops.Arange.Call(start, end, step, dtype, Arg.None, device ?? Device.Cpu);

    public static Tensor Arange(long end, ScalarType dtype = ScalarType.Int64, Device? device = null) =>
        Arange(0, end, 1, dtype, device);

    public static Tensor Linspace(double start, double end, long steps, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Ops.Linspace.Call(start, end, steps, dtype, Arg.None, device ?? Device.Cpu);

    /// <summary>Samples of N(0, 1).</summary>
    public static Tensor Randn(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Ops.Randn.Call(shape, dtype, Arg.None, device ?? Device.Cpu);

    /// <summary>Samples of U[0, 1).</summary>
    public static Tensor Rand(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Ops.Rand.Call(shape, dtype, Arg.None, device ?? Device.Cpu);

    /// <summary>Integers drawn uniformly from [low, high).</summary>
    public static Tensor RandInt(long low, long high, long[] shape, ScalarType dtype = ScalarType.Int64, Device? device = null) =>
        Ops.RandIntLow.Call(low, high, shape, dtype, Arg.None, device ?? Device.Cpu);

    public static Tensor RandnLike(Tensor t) => Ops.RandnLike.Call(t);

    public static Tensor RandPerm(long n, Device? device = null) =>
        Ops.RandPerm.Call(n, ScalarType.Int64, Arg.None, device ?? Device.Cpu);

    /// <summary>Draws <paramref name="samples"/> indices per row from the (unnormalized) probabilities.</summary>
    public static Tensor Multinomial(Tensor probabilities, long samples, bool replacement = false) =>
        Ops.Multinomial.Call(probabilities, samples, replacement);

    /// <summary>Joins tensors along an existing dimension.</summary>
    public static Tensor Cat(Tensor[] tensors, int dim = 0) => Ops.Cat.Call(tensors, (long)dim);

    /// <summary>Joins tensors along a new dimension.</summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0) => Ops.Stack.Call(tensors, (long)dim);

    /// <summary>Elements of <paramref name="a"/> where <paramref name="condition"/> is true, else of <paramref name="b"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Ops.Where.Call(condition, a, b);

    public static Tensor Einsum(string equation, params Tensor[] operands) => Ops.Einsum.Call(equation, operands);

    public static Tensor Outer(Tensor a, Tensor b) => Ops.Outer.Call(a, b);

    public static Tensor Matmul(Tensor a, Tensor b) => a.MatMul(b);

    public static Tensor Bmm(Tensor a, Tensor b) => a.Bmm(b);
}
