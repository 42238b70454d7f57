using Dashboard.Torch.Native;

namespace Dashboard.Torch;

// The arithmetic operators take the shim's direct fast paths (no boxing): they are the hottest calls.
public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => Wrap(NativeMethods.dt_add(a.Handle, b.Handle, 1.0, out var h), h);
    public static Tensor operator -(Tensor a, Tensor b) => Wrap(NativeMethods.dt_sub(a.Handle, b.Handle, 1.0, out var h), h);
    public static Tensor operator *(Tensor a, Tensor b) => Wrap(NativeMethods.dt_mul(a.Handle, b.Handle, out var h), h);
    public static Tensor operator /(Tensor a, Tensor b) => Wrap(NativeMethods.dt_div(a.Handle, b.Handle, out var h), h);

    public static Tensor operator +(Tensor a, double b) => Wrap(NativeMethods.dt_add_scalar(a.Handle, b, out var h), h);
    public static Tensor operator +(double a, Tensor b) => b + a;
    public static Tensor operator -(Tensor a, double b) => Wrap(NativeMethods.dt_add_scalar(a.Handle, -b, out var h), h);
    public static Tensor operator -(double a, Tensor b) => Ops.RSubScalar.Call(b, a);
    public static Tensor operator *(Tensor a, double b) => Wrap(NativeMethods.dt_mul_scalar(a.Handle, b, out var h), h);
    public static Tensor operator *(double a, Tensor b) => b * a;
    public static Tensor operator /(Tensor a, double b) => Ops.DivScalar.Call(a, b);
    public static Tensor operator /(double a, Tensor b)
    {
        using var r = b.Reciprocal();
        return r * a;
    }

    public static Tensor operator -(Tensor a) => a.Neg();

    /// <summary>Matrix product with broadcasting (torch.matmul).</summary>
    public Tensor MatMul(Tensor other) => Wrap(NativeMethods.dt_matmul(Handle, other.Handle, out var h), h);

    /// <summary>a + alpha * b in one kernel.</summary>
    public Tensor Add(Tensor other, double alpha = 1.0) => Wrap(NativeMethods.dt_add(Handle, other.Handle, alpha, out var h), h);

    public Tensor Sub(Tensor other, double alpha = 1.0) => Wrap(NativeMethods.dt_sub(Handle, other.Handle, alpha, out var h), h);

    public Tensor Mul(Tensor other) => this * other;

    public Tensor Div(Tensor other) => this / other;
}
