namespace Dashboard.Torch;

// Views, reshapes and joins. Views share storage with this tensor.
public sealed partial class Tensor
{
    public Tensor View(params long[] shape) => Ops.View.Call(this, shape);
    public Tensor Reshape(params long[] shape) => Ops.Reshape.Call(this, shape);
    public Tensor Transpose(int dim0, int dim1) => Ops.Transpose.Call(this, (long)dim0, (long)dim1);

    /// <summary>Transpose of the last two dimensions.</summary>
    public Tensor MT => Transpose(-2, -1);

    public Tensor Permute(params long[] dims) => Ops.Permute.Call(this, dims);
    public Tensor Unsqueeze(int dim) => Ops.Unsqueeze.Call(this, (long)dim);
    public Tensor Squeeze(int dim) => Ops.SqueezeDim.Call(this, (long)dim);
    public Tensor Flatten(int startDim = 0, int endDim = -1) => Ops.Flatten.Call(this, (long)startDim, (long)endDim);
    public Tensor Contiguous() => Ops.Contiguous.Call(this);
    public Tensor Expand(params long[] shape) => Ops.Expand.Call(this, shape);
    public Tensor Repeat(params long[] repeats) => Ops.Repeat.Call(this, repeats);
    public Tensor Clone() => Ops.Clone.Call(this);
    public Tensor Flip(params long[] dims) => Ops.Flip.Call(this, dims);

    /// <summary>Elements start..end (exclusive) with a step along one dimension; null bounds are open.</summary>
    public Tensor Slice(int dim, long? start, long? end, long step = 1) =>
        Ops.Slice.Call(this, (long)dim, Arg.Optional(start), Arg.Optional(end), step);

    public Tensor Narrow(int dim, long start, long length) => Ops.Narrow.Call(this, (long)dim, start, length);

    /// <summary>The slice at <paramref name="index"/> of a dimension, which is removed.</summary>
    public Tensor Select(int dim, long index) => Ops.Select.Call(this, (long)dim, index);

    /// <summary>Lower triangle (elements above the given diagonal zeroed).</summary>
    public Tensor Tril(long diagonal = 0) => Ops.Tril.Call(this, diagonal);
    public Tensor Triu(long diagonal = 0) => Ops.Triu.Call(this, diagonal);

    /// <summary>Pieces of <paramref name="size"/> along a dimension (the last may be smaller).</summary>
    public Tensor[] Split(long size, int dim = 0) => NonNull(Ops.Split.CallMany(this, size, (long)dim));

    /// <summary>Pieces of the given sizes along a dimension.</summary>
    public Tensor[] Split(long[] sizes, int dim = 0) => NonNull(Ops.SplitWithSizes.CallMany(sizes.Length, this, sizes, (long)dim));

    public Tensor[] Chunk(int chunks, int dim = 0) => NonNull(Ops.Chunk.CallMany(Math.Max(chunks, 1), this, (long)chunks, (long)dim));

    public Tensor[] Unbind(int dim = 0) => NonNull(Ops.Unbind.CallMany((int)Math.Max(Size(dim), 1), this, (long)dim));

    private static Tensor[] NonNull(Tensor?[] outputs) => Array.ConvertAll(outputs, t => t!);
}
