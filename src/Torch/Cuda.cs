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

    public static void ResetPeakMemoryStats(int device = 0) => NativeMethods.Check(NativeMethods.dt_cuda_reset_peak(device));

    /// <summary>Returns cached, unused blocks to the driver.</summary>
    public static void EmptyCache() => NativeMethods.Check(NativeMethods.dt_cuda_empty_cache());
}

public readonly record struct CudaMemoryStats(long AllocatedBytes, long ReservedBytes, long PeakAllocatedBytes);
