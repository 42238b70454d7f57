// Causal float32 attention for short sequences (attention_kernels.cu) as an ATen operation; declared for dashtorch.cpp's
// dt_fused_causal_attention. Only in builds with DT_WITH_FUSED_KERNELS. The ATen reference is scaled_dot_product_attention
// (src/Torch/Fused.CausalAttention.cs).
#pragma once
#include <ATen/ATen.h>

namespace dt_attention {

// softmax(scale · q kᵀ, causal) v for q, k, v (B, H, T, d) float32 on one CUDA device, any strides, T ≤ 128, d ≤ 64;
// the result (B, H, T, d) lies in memory as (B, T, H, d), so that merging the heads needs no copy. Differentiable in
// q, k and v (their gradients lie the same way).
at::Tensor causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale);

}  // namespace dt_attention
