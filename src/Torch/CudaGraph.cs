using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>
/// A captured sequence of CUDA kernels replayed with one launch (at::cuda::CUDAGraph).
/// Between <see cref="BeginCapture"/> and <see cref="EndCapture"/> work runs on a side stream and
/// is recorded, not executed; replays read and write the same memory, so keep the input and output
/// tensors of the captured region alive and copy new inputs into them before each replay.
/// Warm up (run the region once) before capturing. While capturing, host reads on the capturing thread throw
/// (<see cref="HostReads"/>): the capture then fails with a reason that names the read.
/// </summary>
public sealed class CudaGraph : IDisposable
{
    private IntPtr _graph;
    private IDisposable? _noHostReads;

    public CudaGraph() => NativeMethods.Check(NativeMethods.dt_cuda_graph_new(out _graph));

    /// <summary>Starts recording on a side stream of <paramref name="device"/> (-1: the thread's current CUDA device).</summary>
    public void BeginCapture(int device = -1)
    {
        NativeMethods.Check(NativeMethods.dt_cuda_graph_capture_begin(Live(), device));
        _noHostReads = HostReads.Forbid("capturing a CUDA graph");
    }

    public void EndCapture()
    {
        _noHostReads?.Dispose();
        _noHostReads = null;
        NativeMethods.Check(NativeMethods.dt_cuda_graph_capture_end(Live()));
    }

    public void Replay() => NativeMethods.Check(NativeMethods.dt_cuda_graph_replay(Live()));

    private IntPtr Live() => _graph != IntPtr.Zero ? _graph : throw new ObjectDisposedException(nameof(CudaGraph));

    public void Dispose()
    {
        var g = Interlocked.Exchange(ref _graph, IntPtr.Zero);
        if (g != IntPtr.Zero) NativeMethods.dt_cuda_graph_free(g);
    }
}
