using Dashboard.Torch.Native;

namespace Dashboard.Torch;

public sealed partial class Tensor
{
    private (ScalarType Dtype, int Dim, Device Device, bool RequiresGrad) Info()
    {
        NativeMethods.Check(NativeMethods.dt_tensor_info(Handle, out var dtype, out var ndim, out var type, out var index, out var rg));
        return ((ScalarType)dtype, ndim, new Device((DeviceType)type, index), rg != 0);
    }

    public ScalarType Dtype => Info().Dtype;

    public Device Device => Info().Device;

    public int Dim => Info().Dim;

    public long NumEl => NativeMethods.dt_tensor_numel(Handle);

    public unsafe long[] Shape
    {
        get
        {
            var shape = new long[Dim];
            fixed (long* p = shape) NativeMethods.Check(NativeMethods.dt_tensor_shape(Handle, p, shape.Length));
            return shape;
        }
    }

    public unsafe long[] Strides
    {
        get
        {
            var strides = new long[Dim];
            fixed (long* p = strides) NativeMethods.Check(NativeMethods.dt_tensor_strides(Handle, p, strides.Length));
            return strides;
        }
    }

    /// <summary>Whether the elements lie in row-major order with no gaps (dimensions of size 1 may have any stride).</summary>
    public bool IsContiguous
    {
        get
        {
            var shape = Shape;
            var strides = Strides;
            long expected = 1;
            for (var i = shape.Length - 1; i >= 0; i--)
            {
                if (shape[i] != 1 && strides[i] != expected) return false;
                expected *= shape[i];
            }
            return true;
        }
    }

    /// <summary>Size of one dimension; negative dimensions count from the end.</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        return shape[dim < 0 ? shape.Length + dim : dim];
    }

    /// <summary>True when both handles refer to the same tensor object.</summary>
    public bool IsSameAs(Tensor other) => NativeMethods.dt_tensor_same(Handle, other.Handle) != 0;

    /// <summary>
    /// Where the elements live (metadata only, nothing is read): the storage this tensor views and the address of its
    /// first element. Views of one buffer share its <see cref="TensorStorage.Address"/>.
    /// </summary>
    public TensorStorage Storage
    {
        get
        {
            NativeMethods.Check(NativeMethods.dt_tensor_storage(Handle, out var address, out var bytes, out var data));
            return new TensorStorage(address, bytes, data);
        }
    }

    public override string ToString()
    {
        if (IsDisposed) return "Tensor(disposed)";
        var (dtype, _, device, rg) = Info();
        return $"Tensor([{string.Join(", ", Shape)}], {dtype}, {device}{(rg ? ", requires_grad" : "")})";
    }
}

/// <summary>A tensor's storage (base address and size in bytes) and the address of the tensor's first element in it.</summary>
public readonly record struct TensorStorage(ulong Address, long Bytes, ulong DataAddress)
{
    /// <summary>Byte offset of the tensor's first element from the storage's base.</summary>
    public long Offset => (long)(DataAddress - Address);
}
