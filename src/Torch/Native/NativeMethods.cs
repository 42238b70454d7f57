using System.Runtime.InteropServices;

namespace Dashboard.Torch.Native;

/// <summary>The C ABI of native/dashtorch.h, one to one. Every int return is a status code.</summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "dashtorch";

    /// <summary>Must equal DT_ABI_VERSION in dashtorch.h; checked when the library is loaded.</summary>
    internal const int AbiVersion = 8;

    [LibraryImport(Library)] internal static partial IntPtr dt_last_error();
    [LibraryImport(Library)] internal static partial int dt_abi_version();
    [LibraryImport(Library)] internal static partial IntPtr dt_version();
    [LibraryImport(Library)] internal static partial int dt_has_cuda_build();
    [LibraryImport(Library)] internal static partial long dt_live_tensors();

    [LibraryImport(Library)] internal static partial int dt_tensor_from_data(void* data, long* shape, int ndim, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_tensor_empty(long* shape, int ndim, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(Library)] internal static partial void dt_tensor_free(IntPtr t);
    [LibraryImport(Library)] internal static partial int dt_tensor_clone_handle(IntPtr t, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_tensor_info(IntPtr t, out int dtype, out int ndim, out int deviceType, out int deviceIndex, out int requiresGrad);
    [LibraryImport(Library)] internal static partial int dt_tensor_shape(IntPtr t, long* shape, int capacity);
    [LibraryImport(Library)] internal static partial int dt_tensor_strides(IntPtr t, long* strides, int capacity);
    [LibraryImport(Library)] internal static partial long dt_tensor_numel(IntPtr t);
    [LibraryImport(Library)] internal static partial int dt_tensor_to_host(IntPtr t, void* dst, long nbytes);
    [LibraryImport(Library)] internal static partial int dt_tensor_item_double(IntPtr t, out double value);
    [LibraryImport(Library)] internal static partial int dt_tensor_item_int64(IntPtr t, out long value);
    [LibraryImport(Library)] internal static partial int dt_tensor_to(IntPtr t, int deviceType, int deviceIndex, int dtype, int copy, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_tensor_copy_(IntPtr dst, IntPtr src);
    [LibraryImport(Library)] internal static partial int dt_tensor_set_data(IntPtr dst, IntPtr src);
    [LibraryImport(Library)] internal static partial int dt_tensor_same(IntPtr a, IntPtr b);
    [LibraryImport(Library)] internal static partial int dt_tensor_storage(IntPtr t, out ulong storageAddress, out long storageBytes, out ulong dataAddress);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int dt_op_resolve(string name, string overload, out IntPtr op);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int dt_op_exists(string name, string overload);
    [LibraryImport(Library)] internal static partial int dt_op_schema(IntPtr op, out IntPtr schema);
    [LibraryImport(Library)] internal static partial int dt_op_call(IntPtr op, NativeArg* args, int nargs, IntPtr* outs, int capacity, out int nouts);

    [LibraryImport(Library)] internal static partial int dt_add(IntPtr a, IntPtr b, double alpha, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_sub(IntPtr a, IntPtr b, double alpha, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_mul(IntPtr a, IntPtr b, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_div(IntPtr a, IntPtr b, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_matmul(IntPtr a, IntPtr b, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_add_scalar(IntPtr a, double b, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_mul_scalar(IntPtr a, double b, out IntPtr result);

    [LibraryImport(Library)] internal static partial int dt_backward(IntPtr t, IntPtr grad, int retainGraph, int createGraph);
    [LibraryImport(Library)] internal static partial int dt_grad(IntPtr t, out IntPtr grad);
    [LibraryImport(Library)] internal static partial int dt_set_grad(IntPtr t, IntPtr grad);
    [LibraryImport(Library)] internal static partial int dt_set_requires_grad(IntPtr t, int requiresGrad);
    [LibraryImport(Library)] internal static partial int dt_detach(IntPtr t, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_autograd_grad(IntPtr* outputs, IntPtr* gradOutputs, int noutputs,
        IntPtr* inputs, int ninputs, int retainGraph, int createGraph, int allowUnused, IntPtr* outs);
    [LibraryImport(Library)] internal static partial int dt_is_leaf(IntPtr t);
    [LibraryImport(Library)] internal static partial int dt_grad_enabled();
    [LibraryImport(Library)] internal static partial void dt_set_grad_enabled(int enabled);
    [LibraryImport(Library)] internal static partial int dt_inference_mode_enter(out IntPtr guard);
    [LibraryImport(Library)] internal static partial void dt_inference_mode_exit(IntPtr guard);
    [LibraryImport(Library)] internal static partial int dt_inference_mode_enabled();

    [LibraryImport(Library)] internal static partial int dt_autocast_get(int deviceType, out int enabled, out int dtype);
    [LibraryImport(Library)] internal static partial int dt_autocast_set(int deviceType, int enabled, int dtype);
    [LibraryImport(Library)] internal static partial int dt_autocast_increment_nesting();
    [LibraryImport(Library)] internal static partial int dt_autocast_decrement_nesting();

    [LibraryImport(Library)] internal static partial int dt_manual_seed(ulong seed);
    [LibraryImport(Library)] internal static partial int dt_rng_state_get(out IntPtr state);
    [LibraryImport(Library)] internal static partial int dt_rng_state_set(IntPtr state);

    [LibraryImport(Library)] internal static partial int dt_cuda_is_available();
    [LibraryImport(Library)] internal static partial int dt_cuda_device_count();
    [LibraryImport(Library)] internal static partial int dt_cuda_synchronize(int deviceIndex);
    [LibraryImport(Library)] internal static partial int dt_cuda_memory_stats(int deviceIndex, out long allocated, out long reserved, out long peak);
    [LibraryImport(Library)] internal static partial int dt_cuda_mem_get_info(int deviceIndex, out long freeBytes, out long totalBytes);
    [LibraryImport(Library)] internal static partial int dt_cuda_reset_peak(int deviceIndex);
    [LibraryImport(Library)] internal static partial int dt_cuda_empty_cache();
    [LibraryImport(Library)] internal static partial int dt_cuda_profiler(int on);
    [LibraryImport(Library)] internal static partial int dt_cuda_graph_new(out IntPtr graph);
    [LibraryImport(Library)] internal static partial int dt_cuda_graph_capture_begin(IntPtr graph, int deviceIndex);
    [LibraryImport(Library)] internal static partial int dt_cuda_graph_capture_end(IntPtr graph);
    [LibraryImport(Library)] internal static partial int dt_cuda_graph_replay(IntPtr graph);
    [LibraryImport(Library)] internal static partial void dt_cuda_graph_free(IntPtr graph);
    [LibraryImport(Library)] internal static partial int dt_cuda_side_stream_begin(int deviceIndex, out IntPtr guard);
    [LibraryImport(Library)] internal static partial int dt_cuda_side_stream_end(IntPtr guard);

    [LibraryImport(Library)] internal static partial int dt_set_num_threads(int n);
    [LibraryImport(Library)] internal static partial int dt_matmul_tf32_get(out int enabled);
    [LibraryImport(Library)] internal static partial int dt_matmul_tf32_set(int enabled);

    [LibraryImport(Library)] internal static partial int dt_has_fused_kernels();
    [LibraryImport(Library)] internal static partial int dt_fused_normalized_residual(IntPtr h, IntPtr u, IntPtr alpha, double alphaMultiplier, int alphaAbsolute, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_fused_rotary_normalize(IntPtr x, IntPtr cos, IntPtr sin, IntPtr scale, double scaleMultiplier, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_fused_project_unit(IntPtr* weights, int* dims, int count);
    [LibraryImport(Library)] internal static partial int dt_fused_scaled_swiglu(IntPtr uv, IntPtr scale, double scaleMultiplier, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_rows_scaled(IntPtr w, IntPtr s, double k, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_rows_embedding(IntPtr weight, IntPtr indices, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_rows_sum_partials(IntPtr x, out IntPtr result);
    [LibraryImport(Library)] internal static partial void dt_rows_use_partial_sums_kernel(int on);
    [LibraryImport(Library)] internal static partial int dt_fused_causal_attention(IntPtr q, IntPtr k, IntPtr v, double scale, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_fused_unit_deviation_sum(IntPtr* weights, int* dims, int count, int normalise, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_adamw_unit_step(IntPtr* parameters, IntPtr* grads, IntPtr* expAvgs, IntPtr* expAvgSqs, int* dims, int count, IntPtr step, IntPtr lr, double lrValue, double beta1, double beta2, double weightDecay, double eps, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_fused_linear_cross_entropy(IntPtr hidden, IntPtr weight, IntPtr targets, int computeDtype, long ignoreIndex, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_points_radius_sums(IntPtr positions, IntPtr centres, IntPtr stats, double r2, int excludeSelf, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_points_radius_counts(IntPtr positions, IntPtr centres, double r2, out IntPtr result);
    [LibraryImport(Library)] internal static partial int dt_graph_inverse_distance_sums(IntPtr offsets, IntPtr targets, IntPtr distances, IntPtr values, IntPtr rows, double softening, out IntPtr result);

    /// <summary>Throws the native error of the calling thread when a status is nonzero.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static void Check(int status)
    {
        if (status != 0) ThrowLastError();
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    internal static void ThrowLastError() =>
        throw new TorchException(Marshal.PtrToStringUTF8(dt_last_error()) ?? "unknown native error");
}
