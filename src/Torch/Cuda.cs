using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>CUDA device queries, synchronisation and caching-allocator statistics.</summary>
public static class Cuda
{
    public static bool IsAvailable => NativeMethods.dt_cuda_is_available() != 0;

    public static int DeviceCount => NativeMethods.dt_cuda_device_count();

    /// <summary>Waits for all work on the device (-1: the current one).</summary>
    public static void Synchronize(int device = -1) => NativeMethods.Check(NativeMethods.dt_cuda_synchronize(device));

    /// <summary>Bytes held by live tensors, reserved by the caching allocator, and the peak allocated since the last reset.</summary>
    public static CudaMemoryStats MemoryStats(int device = 0)
    {
        NativeMethods.Check(NativeMethods.dt_cuda_memory_stats(device, out var allocated, out var reserved, out var peak));
        return new CudaMemoryStats(allocated, reserved, peak);
    }

    /// <summary>The device's free and total memory in bytes (cudaMemGetInfo: every process, not only this one's allocator).</summary>
    public static (long FreeBytes, long TotalBytes) DeviceMemory(int device = 0)
    {
        NativeMethods.Check(NativeMethods.dt_cuda_mem_get_info(device, out var free, out var total));
        return (free, total);
    }

    public static void ResetPeakMemoryStats(int device = 0) => NativeMethods.Check(NativeMethods.dt_cuda_reset_peak(device));

    /// <summary>Returns cached, unused blocks to the driver.</summary>
    public static void EmptyCache() => NativeMethods.Check(NativeMethods.dt_cuda_empty_cache());

    /// <summary>
    /// Marks the work a profiler started with <c>ncu --profile-from-start off</c> records: from here until disposed
    /// (cudaProfilerStart / cudaProfilerStop).
    /// </summary>
    public static IDisposable ProfiledRange()
    {
        NativeMethods.Check(NativeMethods.dt_cuda_profiler(1));
        return new ProfilerRange();
    }

    private sealed class ProfilerRange : IDisposable
    {
        private int _open = 1;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _open, 0) == 1) NativeMethods.Check(NativeMethods.dt_cuda_profiler(0));
        }
    }

    /// <summary>
    /// Runs this thread's CUDA work on a side stream until disposed (PyTorch's <c>with torch.cuda.stream(s)</c>, with
    /// the waits on both sides: the side stream starts after the work queued so far, and later work on the previous
    /// stream starts after the side stream's). CUDA graphs want their warm-up iterations run this way.
    /// Dispose on the thread that made it.
    /// </summary>
    public static IDisposable SideStream(int device = 0) => new SideStreamGuard(device);

    private sealed class SideStreamGuard : IDisposable
    {
        private IntPtr _guard;

        public SideStreamGuard(int device) => NativeMethods.Check(NativeMethods.dt_cuda_side_stream_begin(device, out _guard));

        public void Dispose()
        {
            var g = Interlocked.Exchange(ref _guard, IntPtr.Zero);
            if (g != IntPtr.Zero) NativeMethods.Check(NativeMethods.dt_cuda_side_stream_end(g));
        }
    }
}

public readonly record struct CudaMemoryStats(long AllocatedBytes, long ReservedBytes, long PeakAllocatedBytes);
