// The fused CUDA kernels as ATen operations (fused.cpp); declared for dashtorch.cpp's dt_fused_* entry points.
// Only in builds with DT_WITH_FUSED_KERNELS.
#pragma once
#include <ATen/ATen.h>

#include <vector>

namespace dt_fused {

// Norm(Norm(h) + α ⊙ (Norm(u) − Norm(h))) along the last dimension, Norm(x) = x/‖x‖: h, u (..., C) in float32,
// bfloat16 or float16 on one CUDA device, α (C) or (1); differentiable in all three.
at::Tensor normalized_residual(const at::Tensor& h, const at::Tensor& u, const at::Tensor& alpha);

// scale ⊙ Norm(RoPE(x)) (nGPT's q and k): x (B, H, T, d) on CUDA in float32/bfloat16/float16, any strides; cos, sin
// (≥ T, d) rotary tables (half-split layout); scale H·d elements, e.g. (1, H, 1, d). Differentiable in x and scale.
at::Tensor rotary_normalize(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& scale);

// Normalises every matrix in place along its dim (0: columns, 1 or -1: rows), one launch per device and dtype.
void project_unit(const std::vector<at::Tensor>& weights, const std::vector<int64_t>& dims);

}  // namespace dt_fused
