using Dashboard.Torch.Native;

namespace Dashboard.Torch;

public sealed partial class Tensor
{
    /// <summary>Whether autograd records operations on this tensor (settable on leaves only).</summary>
    public bool RequiresGrad
    {
        get
        {
            NativeMethods.Check(NativeMethods.dt_tensor_info(Handle, out _, out _, out _, out _, out var rg));
            return rg != 0;
        }
        set => NativeMethods.Check(NativeMethods.dt_set_requires_grad(Handle, value ? 1 : 0));
    }

    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    public bool IsLeaf => NativeMethods.dt_is_leaf(Handle) != 0;

    /// <summary>
    /// The accumulated gradient as a new handle (the caller owns it; it aliases the stored
    /// gradient, so in-place changes to it change the gradient), or null when there is none.
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            NativeMethods.Check(NativeMethods.dt_grad(Handle, out var h));
            return h == IntPtr.Zero ? null : new Tensor(h);
        }
        set => NativeMethods.Check(NativeMethods.dt_set_grad(Handle, value?.Handle ?? IntPtr.Zero));
    }

    /// <summary>Drops the gradient (PyTorch's zero_grad(set_to_none=True)).</summary>
    public void ClearGrad() => NativeMethods.Check(NativeMethods.dt_set_grad(Handle, IntPtr.Zero));

    /// <summary>Back-propagates from this tensor (a scalar, unless <paramref name="gradient"/> is given).</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        NativeMethods.Check(NativeMethods.dt_backward(Handle, gradient?.Handle ?? IntPtr.Zero, retainGraph ? 1 : 0, createGraph ? 1 : 0));

    /// <summary>The same data, cut from the autograd graph.</summary>
    public Tensor Detach() => Wrap(NativeMethods.dt_detach(Handle, out var h), h);
}
