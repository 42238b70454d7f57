// Fused CUDA kernels of dashtorch (fused_kernels.cu), behind plain C++ launchers: no libtorch types cross this
// header, so that nvcc compiles the kernels without libtorch's headers and fused.cpp (g++) wraps them as ATen ops.
// Compiled in only where build.sh finds nvcc (DT_WITH_FUSED_KERNELS); every launcher returns nullptr on success or
// the CUDA error's message. Element types: 0 = float32, 1 = bfloat16, 2 = float16. Arithmetic is float32 throughout.
#pragma once
#include <stdint.h>

namespace dt_fused {

enum ElementType : int32_t { kFloat32 = 0, kBFloat16 = 1, kFloat16 = 2 };

// nGPT's normalised residual update, row by row over (rows, cols):
//   a = h/‖h‖, b = u/‖u‖, m = a + α⊙(b − a), out = m/‖m‖
// alpha: float32, cols entries (alpha_stride 1) or one (alpha_stride 0), the STORED parameter s: the kernels use
// α = k·s (alpha_absolute 0) or α = |k·s| (alpha_absolute 1), k = alpha_multiplier (nGPT keeps its eigen learning
// rates stored rescaled, and uses their magnitude), so that this transform costs no kernels of its own.
// inv_norms: float32 (rows, 3) receives ‖h‖, ‖u‖, ‖m‖ for the backward.
const char* normalized_residual_forward(const void* h, int32_t h_type, const void* u, int32_t u_type,
                                        const float* alpha, int32_t alpha_stride, float alpha_multiplier,
                                        int32_t alpha_absolute, void* out, int32_t out_type, float* inv_norms,
                                        int64_t rows, int64_t cols, void* stream);

// Its gradients, given g = ∂L/∂out: grad_h (h's type), grad_u (u's type), and the per-row contributions to ∂L/∂s
// (the stored α) in float32: (rows, cols) when alpha_stride is 1, (rows) when 0; the caller sums them over rows.
// Each is the contribution to ∂L/∂α times ∂α/∂s: k, or k·sgn(k·s) for |k·s| (ATen's abs backward, sgn(0) = 0).
// How many partials of ∂L/∂α the backward writes, each a row of cols (vector α) or one value (scalar α), for the
// caller to sum: one per block of 8 rows where a row fits in registers (cols ≤ 512), else one per row.
int64_t normalized_residual_alpha_parts(int64_t rows, int64_t cols);
const char* normalized_residual_backward(const void* h, int32_t h_type, const void* u, int32_t u_type,
                                         const float* alpha, int32_t alpha_stride, float alpha_multiplier,
                                         int32_t alpha_absolute, const void* grad_out, int32_t grad_type,
                                         const float* inv_norms, void* grad_h, void* grad_u, float* grad_alpha_rows,
                                         int64_t rows, int64_t cols, void* stream);

// nGPT's q/k path, row by row over x (B, H, T, d) with element strides x_strides (grad_x strides gx_strides):
//   r = x ⊙ cos[t] + rotate_half(x) ⊙ sin[t]   (rotate_half(x) = (−x₂, x₁), the half-split rotary layout)
//   out[b, h, t] = (k·scale[h]) ⊙ r / ‖r‖       out contiguous (B, H, T, d)
// cos, sin: float32 (≥ T, d) contiguous; scale: float32 (H, d), the stored s_qk, used times k = scale_multiplier.
// norms: float32 (B·H·T) receives ‖r‖.
struct RotaryShape {
  int64_t batch, heads, time, dim;
  int64_t x_strides[4];
  int64_t g_strides[4];   // the backward's ∂L/∂out (B, H, T, d), any non-overlapping strides where d ≤ kRotaryPairedMaxDim
  int64_t gx_strides[4];  // the backward's ∂L/∂x: x's dimension order without x's gaps (a slice of a product gives a dense one)
};
// Head sizes up to this go through the paired kernels (a lane per rotation pair); larger ones through per-row loops,
// whose backward wants ∂L/∂out contiguous.
constexpr int64_t kRotaryPairedMaxDim = 128;
const char* rotary_normalize_forward(const void* x, int32_t x_type, RotaryShape shape, const float* cos,
                                     const float* sin, const float* scale, float scale_multiplier, void* out,
                                     int32_t out_type, float* norms, void* stream);
// Its gradients given g = ∂L/∂out (contiguous): grad_x (x's type, strides gx_strides) and the per-row contributions to
// ∂L/∂scale (the stored one: k times those to the scale used), float32 (B·H·T, d), which the caller sums over
// batch and time.
// The backward's partials of ∂L/∂scale are (B, H, rotary_scale_parts_time(shape), d) float32, for the caller to sum
// over batch and that axis: one per block of 32 time steps where d ≤ 128, else one per time step.
int64_t rotary_scale_parts_time(const RotaryShape& shape);
const char* rotary_normalize_backward(const void* x, int32_t x_type, RotaryShape shape, const float* cos,
                                      const float* sin, const float* scale, float scale_multiplier,
                                      const void* grad_out, int32_t grad_type, const float* norms, void* grad_x,
                                      float* grad_scale_rows, void* stream);

// One matrix of a projection onto the unit sphere: data (rows, cols), contiguous, normalised in place along
// its rows (each row to unit norm, by_columns 0) or its columns (by_columns 1).
struct UnitMatrix {
  void* data;
  int64_t rows;
  int64_t cols;
  int32_t by_columns;
};

// The most matrices one launch takes (their descriptions travel as a kernel parameter).
constexpr int kMaxUnitMatrices = 64;

// Normalises count (≤ kMaxUnitMatrices) matrices of one element type in one launch (normalise 1), and/or adds
// Σ |‖v‖ − 1| over their vectors to *deviation_sum (float32 on the device, when not null; atomically, so the
// order of the additions varies from launch to launch).
const char* project_unit(const UnitMatrix* matrices, int32_t count, int32_t type, int32_t normalise, float* deviation_sum,
                         void* stream);

// nGPT's MLP gate, row by row over uv (rows, 2F) = [u | v], with s (2F) float32 stored and used times
// k = scale_multiplier (nGPT's s_uv·√C):
//   out[r, j] = (k s_j u_j) · SiLU(k s_{F+j} v_j)                        out (rows, F)
const char* scaled_swiglu_forward(const void* uv, int32_t uv_type, const float* scale, float scale_multiplier,
                                  void* out, int32_t out_type, int64_t rows, int64_t f, void* stream);
// Its gradients given g = ∂L/∂out (rows, F), contiguous: grad_uv (rows, 2F, uv's type) and ∂L/∂s (the stored s)
// summed over each of kScaledSwigluRowChunks chunks of rows, float32 (kScaledSwigluRowChunks, 2F); the caller sums
// the chunks.
constexpr int kScaledSwigluRowChunks = 128;
const char* scaled_swiglu_backward(const void* uv, int32_t uv_type, const float* scale, float scale_multiplier,
                                   const void* grad_out, int32_t grad_type, void* grad_uv, float* grad_scale_chunks,
                                   int64_t rows, int64_t f, void* stream);

// Cross entropy of each row of a head's logits, (rows, ld) in place, the first vocab columns in use (ld a multiple
// of 8, the rows 16-byte aligned, so a GEMM can write them with aligned kernels): loss_rows[r] (float32) =
// logsumexp(x_r) − x_r[t_r], and x_r is overwritten by ∂loss_r/∂x_r = softmax(x_r) − onehot(t_r) in its own type
// (zero in the padding columns). Rows with t_r = ignore_index get loss 0 and gradient 0; a target outside
// [0, vocab) gives loss NaN. Softmax in float32.
const char* cross_entropy_rows(void* logits, int32_t type, int64_t rows, int64_t ld, int64_t vocab,
                               const int64_t* targets, int64_t ignore_index, float* loss_rows, void* stream);

}  // namespace dt_fused
