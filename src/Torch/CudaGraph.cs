using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>
/// A captured sequence of CUDA kernels replayed with one launch (at::cuda::CUDAGraph).
/// Between <see cref="BeginCapture"/> and <see cref="EndCapture"/> work runs on a side stream and
/// is recorded, not executed; replays read and write the same memory, so keep the input and output
/// tensors of the captured region alive and copy new inputs into them before each replay.
/// Warm up (run the region once) before capturing. While capturing, host reads on the capturing thread throw
/// (<see cref="HostReads"/>): the capture then fails with a reason that names the read.
/// Disposing a graph whose capture is still open ends the capture (discarding what it recorded), so that a region that
/// threw mid-capture does not leave every later CUDA call in the process failing with "operation not permitted when
/// stream is capturing".
/// </summary>
public sealed class CudaGraph : IDisposable
{
    private IntPtr _graph;
    private IDisposable? _noHostReads;
    private bool _capturing;

    public CudaGraph() => NativeMethods.Check(NativeMethods.dt_cuda_graph_new(out _graph));

    /// <summary>Starts recording on a side stream of <paramref name="device"/> (-1: the thread's current CUDA device).</summary>
    public void BeginCapture(int device = -1)
    {
        NativeMethods.Check(NativeMethods.dt_cuda_graph_capture_begin(Live(), device));
        _capturing = true;
        _noHostReads = HostReads.Forbid("capturing a CUDA graph");
    }

    public void EndCapture()
    {
        _noHostReads?.Dispose();
        _noHostReads = null;
        _capturing = false;
        NativeMethods.Check(NativeMethods.dt_cuda_graph_capture_end(Live()));
    }

    public void Replay() => NativeMethods.Check(NativeMethods.dt_cuda_graph_replay(Live()));

    private IntPtr Live() => _graph != IntPtr.Zero ? _graph : throw new ObjectDisposedException(nameof(CudaGraph));

    public void Dispose()
    {
        if (_capturing && _graph != IntPtr.Zero)
        {
            // The capture failed already (the caller is unwinding from it): end it, and keep the caller's exception.
            try { EndCapture(); }
            catch (TorchException) { }
        }
        var g = Interlocked.Exchange(ref _graph, IntPtr.Zero);
        if (g != IntPtr.Zero) NativeMethods.dt_cuda_graph_free(g);
    }
}
