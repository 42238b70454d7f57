using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>
/// One argument of a generic operator call (<see cref="Op"/>). Converts implicitly from the
/// values a schema takes; a null tensor is None.
/// </summary>
public readonly struct Arg
{
    internal readonly ArgKind Kind;
    internal readonly long Int;
    internal readonly double Double;
    internal readonly object? Ref;

    private Arg(ArgKind kind, long i = 0, double d = 0, object? r = null)
    {
        Kind = kind;
        Int = i;
        Double = d;
        Ref = r;
    }

    public static readonly Arg None = new(ArgKind.None);

    public static implicit operator Arg(Tensor? t) => t is null ? None : new(ArgKind.Tensor, r: t);
    public static implicit operator Arg(long v) => new(ArgKind.Int, i: v);
    public static implicit operator Arg(int v) => new(ArgKind.Int, i: v);
    public static implicit operator Arg(double v) => new(ArgKind.Double, d: v);
    public static implicit operator Arg(bool v) => new(ArgKind.Bool, i: v ? 1 : 0);

    /// <summary>
    /// A Scalar argument given as a double: a whole number goes as an integer, so that integral tensors take it as
    /// torch's `t.add_(u, alpha=2)` and `t.add_(2)` do (libtorch refuses a floating alpha for them and cannot write a
    /// float result into them); the shim's fast paths (dt_add, dt_sub, dt_add_scalar) do the same.
    /// </summary>
    public static Arg Number(double v) =>
        double.IsFinite(v) && v == Math.Truncate(v) && Math.Abs(v) < 9.2e18 ? new(ArgKind.Int, i: (long)v) : new(ArgKind.Double, d: v);
    public static implicit operator Arg(long[] v) => new(ArgKind.IntList, r: v);
    public static implicit operator Arg(double[] v) => new(ArgKind.DoubleList, r: v);
    public static implicit operator Arg(Tensor[] v) => new(ArgKind.TensorList, r: v);
    public static implicit operator Arg(ScalarType v) => new(ArgKind.ScalarType, i: (long)v);
    public static implicit operator Arg(Device v) => new(ArgKind.Device, i: v.Packed);
    public static implicit operator Arg(string v) => new(ArgKind.String, r: v);

    /// <summary>An optional int: None when null.</summary>
    public static Arg Optional(long? v) => v is { } x ? x : None;

    /// <summary>An optional float: None when null.</summary>
    public static Arg Optional(double? v) => v is { } x ? x : None;

    /// <summary>An optional dtype: None when null.</summary>
    public static Arg Optional(ScalarType? v) => v is { } x ? x : None;

    /// <summary>An optional device: None when null.</summary>
    public static Arg Optional(Device? v) => v is { } x ? x : None;

    /// <summary>A Tensor?[] argument (advanced indexing); null entries are None.</summary>
    public static Arg OptionalTensors(Tensor?[] v) => new(ArgKind.OptionalTensorList, r: v);
}
