namespace Dashboard.Torch;

// In-place updates (PyTorch's trailing underscore). They return this tensor, so calls chain,
// and create no new handles. Autograd forbids most of them on leaves that require grad:
// use them under Torch.NoGrad() for parameter updates.
public sealed partial class Tensor
{
    public Tensor Add_(Tensor other, double alpha = 1.0) { Ops.AddInPlace.CallInPlace(this, other, Arg.Number(alpha)); return this; }
    public Tensor Add_(double value) { Ops.AddScalarInPlace.CallInPlace(this, Arg.Number(value)); return this; }
    public Tensor Sub_(Tensor other, double alpha = 1.0) { Ops.SubInPlace.CallInPlace(this, other, Arg.Number(alpha)); return this; }
    public Tensor Mul_(Tensor other) { Ops.MulInPlace.CallInPlace(this, other); return this; }
    public Tensor Mul_(double value) { Ops.MulScalarInPlace.CallInPlace(this, value); return this; }
    public Tensor Div_(double value) { Ops.DivScalarInPlace.CallInPlace(this, value); return this; }
    public Tensor Div_(Tensor other) { Ops.DivInPlace.CallInPlace(this, other); return this; }

    /// <summary>this += value * t1 * t2.</summary>
    public Tensor Addcmul_(Tensor t1, Tensor t2, double value = 1.0) { Ops.AddcmulInPlace.CallInPlace(this, t1, t2, value); return this; }

    /// <summary>this += value * t1 / t2.</summary>
    public Tensor Addcdiv_(Tensor t1, Tensor t2, double value = 1.0) { Ops.AddcdivInPlace.CallInPlace(this, t1, t2, value); return this; }

    public Tensor Lerp_(Tensor end, double weight) { Ops.LerpInPlace.CallInPlace(this, end, weight); return this; }
    public Tensor Clamp_(double? min = null, double? max = null) { Ops.ClampInPlace.CallInPlace(this, Arg.Optional(min), Arg.Optional(max)); return this; }
    public Tensor Zero_() { Ops.ZeroInPlace.CallInPlace(this); return this; }
    public Tensor Fill_(double value) { Ops.FillInPlace.CallInPlace(this, value); return this; }
    public Tensor MaskedFill_(Tensor mask, double value) { Ops.MaskedFillInPlace.CallInPlace(this, mask, value); return this; }

    /// <summary>Fills with samples from U(from, to) drawn from the global generator.</summary>
    public Tensor Uniform_(double from = 0.0, double to = 1.0) { Ops.UniformInPlace.CallInPlace(this, from, to); return this; }

    /// <summary>Fills with samples from N(mean, std²) drawn from the global generator.</summary>
    public Tensor Normal_(double mean = 0.0, double std = 1.0) { Ops.NormalInPlace.CallInPlace(this, mean, std); return this; }
}
