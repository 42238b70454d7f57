using System.Runtime.InteropServices;
using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>
/// Entry points that are not methods of a tensor: factories, random numbers, guards, library facts.
/// From another Dashboard.* namespace the name Torch means the namespace; write
/// <c>using Torch = Dashboard.Torch.Torch;</c> after the file's namespace declaration.
/// </summary>
public static partial class Torch
{
    /// <summary>The libtorch version the shim was compiled against, e.g. "1.13.0" or "2.11.0".</summary>
    public static string Version => Marshal.PtrToStringUTF8(NativeMethods.dt_version()) ?? "";

    /// <summary>Whether the shim was compiled with CUDA support (graphs, memory statistics, CUDA autocast).</summary>
    public static bool HasCudaBuild => NativeMethods.dt_has_cuda_build() != 0;

    /// <summary>Native tensor handles alive now (every Tensor not yet disposed or finalized).</summary>
    public static long LiveTensors => NativeMethods.dt_live_tensors();

    /// <summary>Tensors that were never disposed and were freed by the garbage collector: leaks.</summary>
    public static long FinalizedTensors => Tensor.FinalizedCount;

    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Disables gradient recording on this thread until disposed.</summary>
    public static IDisposable NoGrad() => new GradModeGuard(false);

    /// <summary>Re-enables gradient recording inside a NoGrad region.</summary>
    public static IDisposable EnableGrad() => new GradModeGuard(true);

    /// <summary>libtorch's inference mode: no autograd bookkeeping at all; tensors made inside can never join a graph.</summary>
    public static IDisposable InferenceMode() => new InferenceModeGuard();

    /// <summary>Runs eligible ops in <paramref name="dtype"/> on <paramref name="deviceType"/> (PyTorch's torch.autocast).</summary>
    public static IDisposable Autocast(DeviceType deviceType, ScalarType dtype = ScalarType.BFloat16, bool enabled = true) =>
        new AutocastGuard(deviceType, dtype, enabled);

    public static bool IsGradEnabled => NativeMethods.dt_grad_enabled() != 0;

    public static bool IsInferenceMode => NativeMethods.dt_inference_mode_enabled() != 0;

    /// <summary>Seeds the CPU and every CUDA generator.</summary>
    public static void ManualSeed(ulong seed) => NativeMethods.Check(NativeMethods.dt_manual_seed(seed));

    /// <summary>The CPU generator's state (a uint8 tensor), for checkpoints.</summary>
    public static Tensor GetRngState() => Tensor.Wrap(NativeMethods.dt_rng_state_get(out var h), h);

    public static void SetRngState(Tensor state) => NativeMethods.Check(NativeMethods.dt_rng_state_set(state.Handle));

    /// <summary>Intra-op CPU threads.</summary>
    public static void SetNumThreads(int threads) => NativeMethods.Check(NativeMethods.dt_set_num_threads(threads));

    /// <summary>Whether float32 matmuls on CUDA may use TensorFloat-32 (PyTorch's torch.backends.cuda.matmul.allow_tf32; off by default).</summary>
    public static bool MatmulTf32
    {
        get
        {
            NativeMethods.Check(NativeMethods.dt_matmul_tf32_get(out var enabled));
            return enabled != 0;
        }
    }

    /// <summary>Lets float32 matmuls on CUDA use TensorFloat-32 (or not) until disposed, then restores the previous setting (process-wide).</summary>
    public static IDisposable AllowMatmulTf32(bool enabled = true) => new MatmulTf32Guard(enabled);
}
