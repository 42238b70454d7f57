using System.Runtime.InteropServices;
using System.Text;
using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>
/// A libtorch operator resolved once by name and overload (e.g. "aten::add", "Tensor") and then
/// called through the dispatcher with boxed arguments. Trailing arguments left out take the
/// schema's defaults. Keep instances in static fields: resolution is a string lookup, a call is not.
/// </summary>
public sealed class Op
{
    private const int StackLimit = 256;
    private IntPtr _handle;

    public Op(string name, string overload = "")
    {
        Name = name;
        Overload = overload;
    }

    public string Name { get; }

    public string Overload { get; }

    /// <summary>Whether this libtorch has the operator (e.g. scaled_dot_product_attention from 2.0).</summary>
    public static bool Exists(string name, string overload = "") => NativeMethods.dt_op_exists(name, overload) != 0;

    public string Schema
    {
        get
        {
            NativeMethods.Check(NativeMethods.dt_op_schema(Resolve(), out var text));
            return Marshal.PtrToStringUTF8(text) ?? "";
        }
    }

    private IntPtr Resolve()
    {
        var h = _handle;
        if (h != IntPtr.Zero) return h;
        NativeMethods.Check(NativeMethods.dt_op_resolve(Name, Overload, out h));
        _handle = h;
        return h;
    }

    /// <summary>Calls the op and returns its only (or first) output; further outputs are released.</summary>
    public unsafe Tensor Call(params ReadOnlySpan<Arg> args)
    {
        IntPtr* outs = stackalloc IntPtr[8];
        var n = Invoke(args, outs, 8);
        if (n == 0 || outs[0] == IntPtr.Zero)
        {
            for (var i = 0; i < n; i++) NativeMethods.dt_tensor_free(outs[i]);
            throw new TorchException($"{Name}.{Overload} returned no tensor");
        }
        for (var i = 1; i < n; i++) NativeMethods.dt_tensor_free(outs[i]);
        return new Tensor(outs[0]);
    }

    /// <summary>Calls an in-place op and releases its outputs (aliases of an argument).</summary>
    public unsafe void CallInPlace(params ReadOnlySpan<Arg> args)
    {
        IntPtr* outs = stackalloc IntPtr[8];
        var n = Invoke(args, outs, 8);
        for (var i = 0; i < n; i++) NativeMethods.dt_tensor_free(outs[i]);
    }

    /// <summary>Calls the op and returns every output, tuples and lists flattened; None outputs are null.</summary>
    public unsafe Tensor?[] CallMany(params ReadOnlySpan<Arg> args) => CallMany(64, args);

    public unsafe Tensor?[] CallMany(int capacity, params ReadOnlySpan<Arg> args)
    {
        var buffer = capacity <= StackLimit ? stackalloc IntPtr[capacity] : new IntPtr[capacity];
        fixed (IntPtr* outs = buffer)
        {
            var n = Invoke(args, outs, capacity);
            var result = new Tensor?[n];
            for (var i = 0; i < n; i++) result[i] = outs[i] == IntPtr.Zero ? null : new Tensor(outs[i]);
            return result;
        }
    }

    private unsafe int Invoke(ReadOnlySpan<Arg> args, IntPtr* outs, int capacity)
    {
        var op = Resolve();
        int longs = 0, pointers = 0, bytes = 0;
        foreach (ref readonly var a in args)
        {
            switch (a.Kind)
            {
                case ArgKind.IntList: longs += ((long[])a.Ref!).Length; break;
                case ArgKind.DoubleList: longs += ((double[])a.Ref!).Length; break;
                case ArgKind.TensorList: pointers += ((Tensor[])a.Ref!).Length; break;
                case ArgKind.OptionalTensorList: pointers += ((Tensor?[])a.Ref!).Length; break;
                case ArgKind.String: bytes += Encoding.UTF8.GetMaxByteCount(((string)a.Ref!).Length); break;
            }
        }

        // Lists are copied into one scratch block (on the stack when small), so nothing needs pinning.
        var scratchBytes = args.Length * sizeof(NativeArg) + longs * 8 + pointers * sizeof(IntPtr) + bytes + 16;
        var onHeap = scratchBytes > 4096;
        byte* scratch;
        if (onHeap)
        {
            scratch = (byte*)NativeMemory.Alloc((nuint)scratchBytes);
        }
        else
        {
            byte* onStack = stackalloc byte[scratchBytes];
            scratch = onStack;
        }
        try
        {
            var native = (NativeArg*)scratch;
            var longCursor = (long*)(native + args.Length);
            var pointerCursor = (IntPtr*)(longCursor + longs);
            var byteCursor = (byte*)(pointerCursor + pointers);
            for (var i = 0; i < args.Length; i++)
            {
                ref readonly var a = ref args[i];
                ref var n = ref native[i];
                n.Tag = a.Kind;
                n.Length = 0;
                switch (a.Kind)
                {
                    case ArgKind.None: n.Int = 0; break;
                    case ArgKind.Tensor: n.Pointer = ((Tensor)a.Ref!).Handle; break;
                    case ArgKind.Int or ArgKind.Bool or ArgKind.ScalarType or ArgKind.Device: n.Int = a.Int; break;
                    case ArgKind.Double: n.Double = a.Double; break;
                    case ArgKind.IntList:
                    {
                        var list = (long[])a.Ref!;
                        list.CopyTo(new Span<long>(longCursor, list.Length));
                        n.Pointer = (IntPtr)longCursor;
                        n.Length = list.Length;
                        longCursor += list.Length;
                        break;
                    }
                    case ArgKind.DoubleList:
                    {
                        var list = (double[])a.Ref!;
                        list.CopyTo(new Span<double>(longCursor, list.Length));
                        n.Pointer = (IntPtr)longCursor;
                        n.Length = list.Length;
                        longCursor += list.Length;
                        break;
                    }
                    case ArgKind.TensorList or ArgKind.OptionalTensorList:
                    {
                        var list = (Tensor?[])a.Ref!;
                        for (var k = 0; k < list.Length; k++)
                        {
                            var t = list[k];
                            if (t is null && a.Kind == ArgKind.TensorList)
                                throw new ArgumentNullException(nameof(args), $"{Name}: null tensor in a tensor list");
                            pointerCursor[k] = t?.Handle ?? IntPtr.Zero;
                        }
                        n.Pointer = (IntPtr)pointerCursor;
                        n.Length = list.Length;
                        pointerCursor += list.Length;
                        break;
                    }
                    case ArgKind.String:
                    {
                        var s = (string)a.Ref!;
                        var count = Encoding.UTF8.GetBytes(s, new Span<byte>(byteCursor, Encoding.UTF8.GetMaxByteCount(s.Length)));
                        n.Pointer = (IntPtr)byteCursor;
                        n.Length = count;
                        byteCursor += count;
                        break;
                    }
                }
            }
            var status = NativeMethods.dt_op_call(op, native, args.Length, outs, capacity, out var nouts);
            // The tensors behind the handles must outlive the native call.
            foreach (ref readonly var a in args) GC.KeepAlive(a.Ref);
            if (status != 0) throw new TorchException($"{Name}: {LastError()}");
            return nouts;
        }
        finally
        {
            if (onHeap) NativeMemory.Free(scratch);
        }
    }

    private static string LastError() => Marshal.PtrToStringUTF8(NativeMethods.dt_last_error()) ?? "unknown native error";

    public override string ToString() => Overload.Length == 0 ? Name : $"{Name}.{Overload}";
}
