using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>The few aten operators this family needs that the binding has no typed wrapper for.</summary>
internal static class HhmlOps
{
    private static readonly Op s_atan2 = new("aten::atan2");
    private static readonly Op s_indexCopy = new("aten::index_copy_");
    private static readonly Op s_nanToNum = new("aten::nan_to_num");

    /// <summary>arg of x + iy (0 at the origin, as torch.angle of 0).</summary>
    public static Tensor Atan2(Tensor y, Tensor x) => s_atan2.Call(y, x);

    /// <summary>target[index[k]] = source[k] along dim 0, in place.</summary>
    public static void IndexCopy_(Tensor target, Tensor index, Tensor source) => s_indexCopy.CallInPlace(target, 0L, index, source);

    /// <summary>NaN → nan, +∞ → posinf, −∞ → neginf.</summary>
    public static Tensor NanToNum(Tensor t, double nan, double posinf, double neginf) => s_nanToNum.Call(t, nan, posinf, neginf);
}
