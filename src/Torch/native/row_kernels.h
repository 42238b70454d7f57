// CUDA kernels over the rows of a (V, C) table (row_kernels.cu), behind plain C++ launchers as fused_kernels.h: a head
// whose rows are scaled (nGPT's s_z ⊙ E_out) and an embedding's gradient, each in one pass where ATen makes two or three
// over the 77 MB of GPT-2's float32 tables; and the column sums of the fused kernels' per-block partials (rows summed).
// Compiled in where build.sh finds nvcc (DT_WITH_FUSED_KERNELS); every launcher
// returns nullptr on success or the CUDA error's message. Float32, contiguous, 16-byte rows read four columns at a time
// where cols % 4 == 0 and the pointers allow.
#pragma once
#include <stdint.h>

namespace dt_rows {

// out[r, c] = w[r, c] · (s[r] · k): w, out (rows, cols), s (rows). Each factor rounded as ATen's w * (s * k)[:, None].
const char* scaled_rows_forward(const float* w, const float* s, float k, float* out, int64_t rows, int64_t cols,
                                void* stream);

// Its gradients given g = ∂L/∂out (rows, cols): grad_w = g ⊙ (s·k)[:, None], grad_s[r] = k · Σ_c g[r, c] w[r, c]
// (one warp a row: the sum in float32, in another order than ATen's reduction).
const char* scaled_rows_backward(const float* w, const float* s, float k, const float* g, float* grad_w, float* grad_s,
                                 int64_t rows, int64_t cols, void* stream);

// The most indices embedding_backward takes: a block keeps one bit per index (and a list of the non-zero words), beside
// its 8 KB list of indices sorted by row, in 48 KB of shared memory.
constexpr int64_t kMaxEmbeddingIndices = 131072;

// The gradient of an embedding lookup out[i] = weight[indices[i]]: grad_weight[v] = Σ_{i : indices[i] = v} g[i] for
// every row v < rows (zero where no index names it), g (n, cols), grad_weight (rows, cols), indices int64 (n ≤
// kMaxEmbeddingIndices). Each row is summed in ascending i, so the result does not depend on scheduling; nothing is
// zero-filled first. Indices outside [0, rows) add to no row (the forward lookup has refused them already).
const char* embedding_backward(const int64_t* indices, int64_t n, const float* g, int64_t rows, int64_t cols,
                               float* grad_weight, void* stream);

// Sums of per-block partials, as the fused kernels' backwards leave them for their parameters' gradients:
// out[m, c] = Σ_{a < outer} Σ_{p < inner} x[a, m, p, c] for x (outer, mid, inner, cols) and out (mid, cols), both
// contiguous. One launch where ATen's sum over a few hundred rows is latency-bound; the order of the sum is fixed.
const char* sum_partials(const float* x, int64_t outer, int64_t mid, int64_t inner, int64_t cols, float* out,
                         void* stream);

}  // namespace dt_rows
