// Causal attention over short sequences in float32 (attention_kernels.cu), behind plain C++ launchers as
// fused_kernels.h. PyTorch's float32 attention (the memory-efficient kernel, head size padded to 64, 64 × 64 tiles)
// spends ~28 µs forward and ~51 µs backward a layer at nGPT's seed shape; here a block holds one whole head (T ≤ 128)
// in shared memory, computes only the causal half of the scores and makes one pass. Compiled in where build.sh finds
// nvcc (DT_WITH_FUSED_KERNELS); every launcher returns nullptr on success or the CUDA error's message.
#pragma once
#include <stdint.h>

namespace dt_attention {

// The largest sequence and head size the kernels take.
constexpr int64_t kMaxTime = 128;
constexpr int64_t kMaxDim = 64;

// A float32 (B, H, T, d) operand through its element strides.
struct HeadTensor {
  const float* data;
  int64_t strides[4];
};

// out[b, t, h, :] = Σ_{j ≤ t} softmax_j(scale · q_t·k_j) v_j: q, k, v (batch, heads, time, dim); out contiguous
// (B, T, H, d), the layout in which the heads concatenate into (B, T, H·d) without a copy; lse (B, H, T) float32
// receives each row's log-sum-exp of the scaled scores, for the backward.
const char* causal_attention_forward(HeadTensor q, HeadTensor k, HeadTensor v, int64_t batch, int64_t heads,
                                     int64_t time, int64_t dim, float scale, float* out, float* lse, void* stream);

// The gradients given grad_out = ∂L/∂out (B, H, T, d) through its strides, and the forward's out and lse:
// grad_q, grad_k, grad_v contiguous (B, T, H, d) as out.
const char* causal_attention_backward(HeadTensor q, HeadTensor k, HeadTensor v, HeadTensor grad_out, const float* out,
                                      const float* lse, int64_t batch, int64_t heads, int64_t time, int64_t dim,
                                      float scale, float* grad_q, float* grad_k, float* grad_v, void* stream);

}  // namespace dt_attention
