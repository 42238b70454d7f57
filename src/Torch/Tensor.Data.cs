using Dashboard.Torch.Native;

namespace Dashboard.Torch;

public sealed partial class Tensor
{
    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape (default: 1-D).</summary>
    public static unsafe Tensor From<T>(ReadOnlySpan<T> data, long[]? shape = null, Device? device = null) where T : unmanaged
    {
        shape ??= [data.Length];
        long count = 1;
        foreach (var s in shape) count *= s;
        if (count != data.Length)
            throw new ArgumentException($"{data.Length} values do not fill shape [{string.Join(", ", shape)}]");
        var dev = device ?? Device.Cpu;
        fixed (T* p = data)
        fixed (long* s = shape)
        {
            var status = NativeMethods.dt_tensor_from_data(p, s, shape.Length, (int)ScalarTypeExtensions.Of<T>(),
                (int)dev.Type, dev.Index, out var h);
            return Wrap(status, h);
        }
    }

    public static Tensor From<T>(T[] data, long[]? shape = null, Device? device = null) where T : unmanaged =>
        From((ReadOnlySpan<T>)data, shape, device);

    public static Tensor From<T>(T[,] data, Device? device = null) where T : unmanaged
    {
        var flat = new T[data.Length];
        var k = 0;
        foreach (var v in data) flat[k++] = v;
        return From(flat, [data.GetLength(0), data.GetLength(1)], device);
    }

    /// <summary>A 0-dimensional tensor.</summary>
    public static Tensor Scalar(double value, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        using var t = From(new[] { value }, Array.Empty<long>(), device);
        return dtype == ScalarType.Float64 ? t.NewReference() : t.To(dtype);
    }

    /// <summary>Copies the elements (row-major) to a managed array, converting to T's element type if needed.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var want = ScalarTypeExtensions.Of<T>();
        if (Dtype != want)
        {
            using var converted = To(want);
            return converted.ToArray<T>();
        }
        HostReads.Check("ToArray");
        var result = new T[NumEl];
        fixed (T* p = result)
            NativeMethods.Check(NativeMethods.dt_tensor_to_host(Handle, p, (long)result.Length * sizeof(T)));
        return result;
    }

    /// <summary>The single element as a double (a tensor of one element only).</summary>
    public double ToDouble()
    {
        HostReads.Check("ToDouble");
        NativeMethods.Check(NativeMethods.dt_tensor_item_double(Handle, out var v));
        return v;
    }

    public float ToSingle() => (float)ToDouble();

    public long ToInt64()
    {
        HostReads.Check("ToInt64");
        NativeMethods.Check(NativeMethods.dt_tensor_item_int64(Handle, out var v));
        return v;
    }

    /// <summary>A tensor on another device and/or with another dtype; the same tensor (new handle) when nothing changes.</summary>
    public Tensor To(Device device, ScalarType? dtype = null, bool copy = false)
    {
        if (HostReads.Forbidden && !device.IsCuda && Device.IsCuda) HostReads.Check("To(cpu)");
        return Wrap(NativeMethods.dt_tensor_to(Handle, (int)device.Type, device.Index, dtype is { } d ? (int)d : -1, copy ? 1 : 0, out var h), h);
    }

    public Tensor To(ScalarType dtype, bool copy = false) => To(Device, dtype, copy);

    public Tensor Cpu() => To(Device.Cpu);

    public Tensor Cuda(int index = 0) => To(Dashboard.Torch.Device.Cuda(index));

    /// <summary>Copies <paramref name="source"/> into this tensor in place (broadcasting, converting dtype and device).</summary>
    public Tensor CopyFrom(Tensor source)
    {
        NativeMethods.Check(NativeMethods.dt_tensor_copy_(Handle, source.Handle));
        return this;
    }

    /// <summary>Replaces what this tensor refers to, keeping its identity (PyTorch's <c>param.data = t</c>).</summary>
    public void SetData(Tensor source) => NativeMethods.Check(NativeMethods.dt_tensor_set_data(Handle, source.Handle));
}

public sealed partial class Tensor
{
    /// <summary>The raw elements (row-major, little-endian) in the tensor's own dtype.</summary>
    public unsafe byte[] ToBytes()
    {
        HostReads.Check("ToBytes");
        var bytes = new byte[NumEl * Dtype.ElementSize()];
        fixed (byte* p = bytes)
            NativeMethods.Check(NativeMethods.dt_tensor_to_host(Handle, p, bytes.Length));
        return bytes;
    }

    /// <summary>
    /// Copies the raw elements (row-major, little-endian, the tensor's own dtype) into <paramref name="destination"/>,
    /// which must hold exactly NumEl × element size bytes; from any device.
    /// </summary>
    public unsafe void CopyTo(Span<byte> destination)
    {
        HostReads.Check("CopyTo");
        fixed (byte* p = destination)
            NativeMethods.Check(NativeMethods.dt_tensor_to_host(Handle, p, destination.Length));
    }

    /// <summary>A tensor from raw elements of <paramref name="dtype"/> (any dtype, bfloat16 included).</summary>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape, Device? device = null)
    {
        long count = 1;
        foreach (var s in shape) count *= s;
        if (count * dtype.ElementSize() != bytes.Length)
            throw new ArgumentException($"{bytes.Length} bytes do not fill shape [{string.Join(", ", shape)}] of {dtype}");
        var dev = device ?? Device.Cpu;
        fixed (byte* p = bytes)
        fixed (long* s = shape)
            return Wrap(NativeMethods.dt_tensor_from_data(p, s, shape.Length, (int)dtype, (int)dev.Type, dev.Index, out var h), h);
    }
}
