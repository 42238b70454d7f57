using Dashboard.Torch.Native;

namespace Dashboard.Torch;

// Thread-local libtorch modes as IDisposable guards. libtorch keeps these modes per thread, so a
// guard must be disposed on the thread that created it (plain `using`, no await inside).

internal sealed class GradModeGuard : IDisposable
{
    private readonly bool _previous;
    private bool _done;

    internal GradModeGuard(bool enabled)
    {
        _previous = NativeMethods.dt_grad_enabled() != 0;
        NativeMethods.dt_set_grad_enabled(enabled ? 1 : 0);
    }

    public void Dispose()
    {
        if (_done) return;
        _done = true;
        NativeMethods.dt_set_grad_enabled(_previous ? 1 : 0);
    }
}

internal sealed class InferenceModeGuard : IDisposable
{
    private IntPtr _guard;

    internal InferenceModeGuard() => NativeMethods.Check(NativeMethods.dt_inference_mode_enter(out _guard));

    public void Dispose()
    {
        var g = Interlocked.Exchange(ref _guard, IntPtr.Zero);
        if (g != IntPtr.Zero) NativeMethods.dt_inference_mode_exit(g);
    }
}

/// <summary>Mirrors torch.autocast's enter/exit: save the state, set it, nest; on exit unnest (clearing the cast cache at depth 0) and restore.</summary>
internal sealed class AutocastGuard : IDisposable
{
    private readonly DeviceType _device;
    private readonly int _previousEnabled;
    private readonly int _previousDtype;
    private bool _done;

    internal AutocastGuard(DeviceType device, ScalarType dtype, bool enabled)
    {
        _device = device;
        NativeMethods.Check(NativeMethods.dt_autocast_get((int)device, out _previousEnabled, out _previousDtype));
        NativeMethods.Check(NativeMethods.dt_autocast_set((int)device, enabled ? 1 : 0, (int)dtype));
        NativeMethods.dt_autocast_increment_nesting();
    }

    public void Dispose()
    {
        if (_done) return;
        _done = true;
        NativeMethods.dt_autocast_decrement_nesting();
        NativeMethods.Check(NativeMethods.dt_autocast_set((int)_device, _previousEnabled, _previousDtype));
    }
}

internal sealed class MatmulTf32Guard : IDisposable
{
    private readonly int _previous;
    private bool _done;

    internal MatmulTf32Guard(bool enabled)
    {
        NativeMethods.Check(NativeMethods.dt_matmul_tf32_get(out _previous));
        NativeMethods.Check(NativeMethods.dt_matmul_tf32_set(enabled ? 1 : 0));
    }

    public void Dispose()
    {
        if (_done) return;
        _done = true;
        NativeMethods.Check(NativeMethods.dt_matmul_tf32_set(_previous));
    }
}
