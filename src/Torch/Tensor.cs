using System.Runtime.CompilerServices;
using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>
/// One owned reference to a libtorch tensor. Dispose it, or create it inside a
/// <see cref="DisposeScope"/>; the finalizer is only a safety net and counts what it had to free
/// (<see cref="Torch.FinalizedTensors"/>), since native memory (GPU memory above all) should not
/// wait for the garbage collector.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private static long s_finalized;
    private IntPtr _handle;

    internal Tensor(IntPtr handle)
    {
        _handle = handle;
        DisposeScope.Current?.Adopt(this);
    }

    internal static long FinalizedCount => Interlocked.Read(ref s_finalized);

    /// <summary>The native handle; throws once the tensor is disposed.</summary>
    public IntPtr Handle
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var h = _handle;
            if (h == IntPtr.Zero) ThrowDisposed();
            return h;
        }
    }

    public bool IsDisposed => _handle == IntPtr.Zero;

    internal DisposeScope? Scope { get; set; }

    public void Dispose()
    {
        var h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h == IntPtr.Zero) return;
        NativeMethods.dt_tensor_free(h);
        GC.SuppressFinalize(this);
    }

    ~Tensor()
    {
        var h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h == IntPtr.Zero) return;
        Interlocked.Increment(ref s_finalized);
        NativeMethods.dt_tensor_free(h);
    }

    /// <summary>Hands the tensor to the scope around the current one (or to nobody at the outermost).</summary>
    public Tensor MoveToOuterScope()
    {
        var outer = Scope?.Outer;
        if (outer is null) Scope = null;
        else outer.Adopt(this);
        return this;
    }

    /// <summary>Takes the tensor out of every dispose scope: the caller disposes it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope = null;
        return this;
    }

    /// <summary>Alias of <see cref="DetachFromDisposeScope"/>.</summary>
    public Tensor Keep() => DetachFromDisposeScope();

    /// <summary>A second, independently owned handle to the same tensor (no data copy).</summary>
    public Tensor NewReference()
    {
        NativeMethods.Check(NativeMethods.dt_tensor_clone_handle(Handle, out var h));
        return new Tensor(h);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowDisposed() => throw new ObjectDisposedException(nameof(Tensor));

    internal static Tensor Wrap(int status, IntPtr handle)
    {
        NativeMethods.Check(status);
        return new Tensor(handle);
    }
}
