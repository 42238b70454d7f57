namespace Dashboard.Torch;

// Gathering, scattering and masking.
public sealed partial class Tensor
{
    /// <summary>out[i][j] = this[index[i][j]][j] for dim 0 (and likewise for other dims).</summary>
    public Tensor Gather(int dim, Tensor index) => Ops.Gather.Call(this, (long)dim, index);

    public Tensor IndexSelect(int dim, Tensor index) => Ops.IndexSelect.Call(this, (long)dim, index);

    /// <summary>A copy with <paramref name="source"/>'s slices added at <paramref name="index"/> along <paramref name="dim"/> (repeats accumulate).</summary>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source) => Ops.IndexAdd.Call(this, (long)dim, index, source);

    /// <summary>Indices of the non-zero elements, (count, dims). Synchronises with the device: its size depends on the data.</summary>
    public Tensor Nonzero() => Ops.Nonzero.Call(this);

    /// <summary>Advanced indexing, this[i0, i1, ...]; a null index takes the whole dimension.</summary>
    public Tensor Index(params Tensor?[] indices) => Ops.Index.Call(this, Arg.OptionalTensors(indices));

    public Tensor Scatter(int dim, Tensor index, Tensor source) => Ops.Scatter.Call(this, (long)dim, index, source);

    public Tensor ScatterAdd(int dim, Tensor index, Tensor source) => Ops.ScatterAdd.Call(this, (long)dim, index, source);

    /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public Tensor MaskedFill(Tensor mask, double value) => Ops.MaskedFill.Call(this, mask, value);

    /// <summary>The elements where <paramref name="mask"/> is true, as a 1-D tensor.</summary>
    public Tensor MaskedSelect(Tensor mask) => Ops.MaskedSelect.Call(this, mask);

    public Tensor OneHot(long numClasses = -1) => Ops.OneHot.Call(this, numClasses);
}
