// dashtorch: a thin C ABI over libtorch for the C# binding in src/Torch.
//
// Conventions
// - Every function that can fail returns an int status: 0 = ok, nonzero = error.
//   The message of the last error on the calling thread is read with dt_last_error().
//   No libtorch exception ever crosses this boundary.
// - A dt_tensor is an owned reference to an at::Tensor. Each handle returned by the shim
//   must be released exactly once with dt_tensor_free. dt_live_tensors() counts them.
// - dtype codes are c10::ScalarType values; device types are c10::DeviceType values
//   (0 = cpu, 1 = cuda). Both are stable across libtorch versions.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DT_API __attribute__((visibility("default")))

// Bumped whenever a signature changes, so the C# side can refuse a stale library.
#define DT_ABI_VERSION 8

typedef void* dt_tensor;
typedef void* dt_op;

enum dt_arg_tag {
  DT_ARG_NONE = 0,
  DT_ARG_TENSOR = 1,       // v.p = dt_tensor (NULL means None)
  DT_ARG_INT = 2,          // v.i
  DT_ARG_DOUBLE = 3,       // v.d
  DT_ARG_BOOL = 4,         // v.i != 0
  DT_ARG_INT_LIST = 5,     // v.p = const int64_t*, len
  DT_ARG_DOUBLE_LIST = 6,  // v.p = const double*, len
  DT_ARG_TENSOR_LIST = 7,  // v.p = const dt_tensor*, len
  DT_ARG_OPT_TENSOR_LIST = 8, // v.p = const dt_tensor*, len; NULL entries are None
  DT_ARG_DTYPE = 9,        // v.i = scalar type code
  DT_ARG_STRING = 10,      // v.p = const char* (UTF-8), len = byte count
  DT_ARG_DEVICE = 11,      // v.i = (device_type << 16) | (device_index & 0xffff)
};

typedef struct dt_arg {
  int32_t tag;
  int32_t len;
  union {
    int64_t i;
    double d;
    const void* p;
  } v;
} dt_arg;

// Library facts
DT_API const char* dt_last_error(void);
DT_API int dt_abi_version(void);
DT_API const char* dt_version(void);  // libtorch version this shim was compiled against
DT_API int dt_has_cuda_build(void);   // 1 when compiled with DT_WITH_CUDA
DT_API int64_t dt_live_tensors(void);

// Tensor handles
DT_API int dt_tensor_from_data(const void* data, const int64_t* shape, int32_t ndim, int32_t dtype,
                               int32_t device_type, int32_t device_index, dt_tensor* out);
DT_API int dt_tensor_empty(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t device_type,
                           int32_t device_index, dt_tensor* out);
DT_API void dt_tensor_free(dt_tensor t);
DT_API int dt_tensor_clone_handle(dt_tensor t, dt_tensor* out);  // a second handle, same tensor
DT_API int dt_tensor_info(dt_tensor t, int32_t* dtype, int32_t* ndim, int32_t* device_type,
                          int32_t* device_index, int32_t* requires_grad);
DT_API int dt_tensor_shape(dt_tensor t, int64_t* shape, int32_t capacity);
DT_API int dt_tensor_strides(dt_tensor t, int64_t* strides, int32_t capacity);
DT_API int64_t dt_tensor_numel(dt_tensor t);
DT_API int dt_tensor_is_defined(dt_tensor t);
DT_API int dt_tensor_to_host(dt_tensor t, void* dst, int64_t nbytes);
DT_API int dt_tensor_item_double(dt_tensor t, double* out);
DT_API int dt_tensor_item_int64(dt_tensor t, int64_t* out);
DT_API int dt_tensor_to(dt_tensor t, int32_t device_type, int32_t device_index, int32_t dtype,
                        int32_t copy, dt_tensor* out);  // dtype -1 keeps the dtype
DT_API int dt_tensor_copy_(dt_tensor dst, dt_tensor src);
DT_API int dt_tensor_set_data(dt_tensor dst, dt_tensor src);  // param.data = src
DT_API int dt_tensor_same(dt_tensor a, dt_tensor b);            // same TensorImpl
// Where the elements live: the storage's base address and size in bytes, and the address of the tensor's first
// element (base + storage_offset · element size). Tensors that share a storage have the same base.
DT_API int dt_tensor_storage(dt_tensor t, uint64_t* storage_address, int64_t* storage_bytes, uint64_t* data_address);

// Generic operator call through the dispatcher
DT_API int dt_op_resolve(const char* name, const char* overload, dt_op* out);
DT_API int dt_op_exists(const char* name, const char* overload);  // 1, 0; never sets an error
DT_API int dt_op_schema(dt_op op, const char** out);
DT_API int dt_op_call(dt_op op, const dt_arg* args, int32_t nargs, dt_tensor* outs,
                      int32_t capacity, int32_t* nouts);

// Direct fast paths for the hottest elementwise ops and matmul (skip boxing)
DT_API int dt_add(dt_tensor a, dt_tensor b, double alpha, dt_tensor* out);
DT_API int dt_sub(dt_tensor a, dt_tensor b, double alpha, dt_tensor* out);
DT_API int dt_mul(dt_tensor a, dt_tensor b, dt_tensor* out);
DT_API int dt_div(dt_tensor a, dt_tensor b, dt_tensor* out);
DT_API int dt_matmul(dt_tensor a, dt_tensor b, dt_tensor* out);
DT_API int dt_add_scalar(dt_tensor a, double b, dt_tensor* out);
DT_API int dt_mul_scalar(dt_tensor a, double b, dt_tensor* out);

// Autograd
DT_API int dt_backward(dt_tensor t, dt_tensor grad_or_null, int32_t retain_graph, int32_t create_graph);
DT_API int dt_grad(dt_tensor t, dt_tensor* out);  // *out = NULL when there is no gradient
DT_API int dt_set_grad(dt_tensor t, dt_tensor grad_or_null);
DT_API int dt_set_requires_grad(dt_tensor t, int32_t requires_grad);
DT_API int dt_detach(dt_tensor t, dt_tensor* out);
// torch::autograd::grad: d(outputs)/d(inputs) weighted by grad_outputs (entries may be NULL: ones for scalars),
// returned in outs[0..ninputs) without touching .grad; an unused input gives NULL when allow_unused.
DT_API int dt_autograd_grad(const dt_tensor* outputs, const dt_tensor* grad_outputs, int32_t noutputs,
                            const dt_tensor* inputs, int32_t ninputs, int32_t retain_graph, int32_t create_graph,
                            int32_t allow_unused, dt_tensor* outs);
DT_API int dt_is_leaf(dt_tensor t);
DT_API int dt_grad_enabled(void);
DT_API void dt_set_grad_enabled(int32_t enabled);
DT_API int dt_inference_mode_enter(void** guard);
DT_API void dt_inference_mode_exit(void* guard);
DT_API int dt_inference_mode_enabled(void);

// Autocast (device_type 0 = cpu, 1 = cuda)
DT_API int dt_autocast_get(int32_t device_type, int32_t* enabled, int32_t* dtype);
DT_API int dt_autocast_set(int32_t device_type, int32_t enabled, int32_t dtype);
DT_API int dt_autocast_increment_nesting(void);
DT_API int dt_autocast_decrement_nesting(void);  // clears the cast cache at depth 0

// Random
DT_API int dt_manual_seed(uint64_t seed);
DT_API int dt_rng_state_get(dt_tensor* out);  // CPU generator state as a uint8 tensor
DT_API int dt_rng_state_set(dt_tensor state);

// CUDA
DT_API int dt_cuda_is_available(void);
DT_API int dt_cuda_device_count(void);
DT_API int dt_cuda_synchronize(int32_t device_index);
DT_API int dt_cuda_memory_stats(int32_t device_index, int64_t* allocated, int64_t* reserved, int64_t* peak);
DT_API int dt_cuda_mem_get_info(int32_t device_index, int64_t* free_bytes, int64_t* total_bytes);  // the device's, as cudaMemGetInfo
DT_API int dt_cuda_reset_peak(int32_t device_index);
DT_API int dt_cuda_empty_cache(void);
DT_API int dt_cuda_profiler(int32_t on);   // cudaProfilerStart (1) / cudaProfilerStop (0): the range `ncu --profile-from-start off` records
DT_API int dt_cuda_graph_new(void** graph);
DT_API int dt_cuda_graph_capture_begin(void* graph, int32_t device_index);  // -1: the current device
DT_API int dt_cuda_graph_capture_end(void* graph);
DT_API int dt_cuda_graph_replay(void* graph);
DT_API void dt_cuda_graph_free(void* graph);
// Makes a side stream (from libtorch's pool, on the given device) current until dt_cuda_side_stream_end;
// the side stream first waits for the work queued on the current stream, and at the end the current
// stream waits for the side stream's. CUDA graphs want warm-up iterations on a side stream.
DT_API int dt_cuda_side_stream_begin(int32_t device_index, void** guard);
DT_API int dt_cuda_side_stream_end(void* guard);

DT_API int dt_set_num_threads(int32_t n);
// Whether float32 matmuls on CUDA may use TensorFloat-32 (torch.backends.cuda.matmul.allow_tf32; off by default).
DT_API int dt_matmul_tf32_get(int32_t* enabled);
DT_API int dt_matmul_tf32_set(int32_t enabled);

// Fused CUDA kernels (fused_kernels.cu), compiled in only where build.sh found nvcc and a CUDA libtorch
// (DT_WITH_FUSED_KERNELS); elsewhere the calls below fail with "compiled without fused kernels", and callers use
// the ATen references (src/Torch/Fused.cs).
DT_API int dt_has_fused_kernels(void);  // 1 when compiled in
// Norm(Norm(h) + a * (Norm(u) - Norm(h))) along the last dimension (nGPT's residual update), Norm(x) = x/|x|;
// h, u (..., C) float32/bfloat16/float16 on one CUDA device; alpha the stored s, (C) or (1), used as
// a = k*s, or |k*s| when alpha_absolute != 0 (k = alpha_multiplier, taken as float32); differentiable in h, u, s.
DT_API int dt_fused_normalized_residual(dt_tensor h, dt_tensor u, dt_tensor alpha, double alpha_multiplier,
                                        int32_t alpha_absolute, dt_tensor* out);
// (k * scale) * Norm(RoPE(x)) (nGPT's q and k), k = scale_multiplier: x (B, H, T, d), any strides; cos, sin
// (>= T, d) half-split rotary tables; scale H*d elements. Differentiable in x and scale.
DT_API int dt_fused_rotary_normalize(dt_tensor x, dt_tensor cos, dt_tensor sin, dt_tensor scale, double scale_multiplier,
                                     dt_tensor* out);
// Normalises each 2-D weight in place along dims[i] (0: columns, 1 or -1: rows), one launch for all of them.
DT_API int dt_fused_project_unit(const dt_tensor* weights, const int32_t* dims, int32_t count);
// (k s_u * u) * SiLU(k s_v * v) for uv = [u | v] (..., 2F), scale (2F), k = scale_multiplier: nGPT's MLP gate;
// differentiable in uv and scale.
DT_API int dt_fused_scaled_swiglu(dt_tensor uv, dt_tensor scale, double scale_multiplier, dt_tensor* out);
// softmax(scale * q k^T, causal) v for q, k, v (B, H, T, d) float32 on CUDA, T <= 128, d <= 64; the result (B, H, T, d)
// lies in memory as (B, T, H, d). Differentiable in q, k and v.
DT_API int dt_fused_causal_attention(dt_tensor q, dt_tensor k, dt_tensor v, double scale, dt_tensor* out);
// w * (k s)[:, None], w (V, C), s (V) float32 (row_kernels.cu); differentiable in w and s.
DT_API int dt_rows_scaled(dt_tensor w, dt_tensor s, double k, dt_tensor* out);
// weight[indices], weight (V, C) float32, indices int64; its gradient by row_kernels.cu's one-pass kernel.
DT_API int dt_rows_embedding(dt_tensor weight, dt_tensor indices, dt_tensor* out);
// x (outer, mid, inner, cols) float32 summed over outer and inner, (mid, cols), by row_kernels.cu's sum_partials.
DT_API int dt_rows_sum_partials(dt_tensor x, dt_tensor* out);
// on 1: the fused kernels' backwards sum their parameter partials with that kernel instead of ATen's sum (off at load).
DT_API void dt_rows_use_partial_sums_kernel(int32_t on);
// Sum over those weights' vectors of | |v| - 1 | (what a projection would move), a float32 scalar; no host sync.
// normalise 1: the same launch also projects them (each vector divided by the norm it measured).
DT_API int dt_fused_unit_deviation_sum(const dt_tensor* weights, const int32_t* dims, int32_t count, int32_t normalise,
                                       dt_tensor* out);
// One AdamW step of float32 matrices (adamw_kernels.cu) with each then normalised along dims[i] (0: columns, 1 or -1:
// rows), in one pass: params, grads, exp_avgs, exp_avg_sqs count each, contiguous, on one CUDA device; step the group's
// count already advanced (float32, on the device); lr the rate on the device (float32) or null for lr_value. *out:
// the sum over the updated vectors of | |v| - 1 | before the division, a float32 scalar; no host sync.
DT_API int dt_adamw_unit_step(const dt_tensor* params, const dt_tensor* grads, const dt_tensor* exp_avgs,
                              const dt_tensor* exp_avg_sqs, const int32_t* dims, int32_t count, dt_tensor step,
                              dt_tensor lr, double lr_value, double beta1, double beta2, double weight_decay,
                              double eps, dt_tensor* out);
// Mean cross entropy of hidden (N, C) . weight (V, C)^T against targets (N), rows with ignore_index left out; the
// GEMMs in compute_dtype (a ScalarType code: float32, bfloat16, float16), softmax in float32, the logits padded to a
// multiple of 8 columns and turned into their gradient in place. Differentiable in hidden and weight.
DT_API int dt_fused_linear_cross_entropy(dt_tensor hidden, dt_tensor weight, dt_tensor targets, int32_t compute_dtype,
                                         int64_t ignore_index, dt_tensor* out);

// Point-cloud and graph kernels (point_kernels.cu), compiled in with the fused kernels; no gradients.
// (count, k) float64: per centre, the sum of stats (n, k <= 8, float64) over points strictly within sqrt(r2)
// (and not at the centre when exclude_self != 0); positions (n, 3), centres (count, 3) float32.
DT_API int dt_points_radius_sums(dt_tensor positions, dt_tensor centres, dt_tensor stats, double r2, int32_t exclude_self,
                                 dt_tensor* out);
// (n) int64: per point, how many centres it lies strictly within sqrt(r2) of.
DT_API int dt_points_radius_counts(dt_tensor positions, dt_tensor centres, double r2, dt_tensor* out);
// (m) float32: per row rows[t] of a graph in compressed rows (offsets int64, targets int64, distances float32), the sum
// over its edges of values[target] / (distance + softening).
DT_API int dt_graph_inverse_distance_sums(dt_tensor offsets, dt_tensor targets, dt_tensor distances, dt_tensor values,
                                          dt_tensor rows, double softening, dt_tensor* out);

#ifdef __cplusplus
}
#endif
