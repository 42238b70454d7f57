// The fused CUDA kernels as ATen operations (fused.cpp); declared for dashtorch.cpp's dt_fused_* entry points.
// Only in builds with DT_WITH_FUSED_KERNELS.
#pragma once
#include <ATen/ATen.h>

#include <vector>

namespace dt_fused {

// Norm(Norm(h) + α ⊙ (Norm(u) − Norm(h))) along the last dimension, Norm(x) = x/‖x‖: h, u (..., C) in float32,
// bfloat16 or float16 on one CUDA device; alpha the stored s, (C) or (1), used as α = k·s, or |k·s| when
// alpha_absolute (k = alpha_multiplier); differentiable in h, u and s.
at::Tensor normalized_residual(const at::Tensor& h, const at::Tensor& u, const at::Tensor& alpha, double alpha_multiplier,
                               bool alpha_absolute);

// (k·scale) ⊙ Norm(RoPE(x)) (nGPT's q and k), k = scale_multiplier: x (B, H, T, d) on CUDA in float32/bfloat16/float16,
// any strides; cos, sin (≥ T, d) rotary tables (half-split layout); scale H·d elements, e.g. (1, H, 1, d).
// Differentiable in x and scale.
at::Tensor rotary_normalize(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& scale,
                            double scale_multiplier);

// (k s_u ⊙ u) ⊙ SiLU(k s_v ⊙ v) (nGPT's MLP gate), k = scale_multiplier, for uv = [u | v] (..., 2F) on CUDA in
// float32/bfloat16/float16 and scale = [s_u | s_v] (2F elements); the result (..., F) in the promoted dtype.
// Differentiable in uv and scale.
at::Tensor scaled_swiglu(const at::Tensor& uv, const at::Tensor& scale, double scale_multiplier);

// Normalises every matrix in place along its dim (0: columns, 1 or -1: rows), one launch per device and dtype.
void project_unit(const std::vector<at::Tensor>& weights, const std::vector<int64_t>& dims);

// Σ |‖v‖ − 1| over every vector of those matrices along their dims (what a projection would move), a float32
// scalar on the first weight's device; no host synchronisation (capturable). normalise: the same launch then
// divides each vector by the norm it measured (a projection that reports what it moved).
at::Tensor unit_deviation_sum(const std::vector<at::Tensor>& weights, const std::vector<int64_t>& dims, bool normalise);

// Mean cross entropy of hidden · weightᵀ against targets, rows with target ignore_index left out: hidden (N, C),
// weight (V, C) on one CUDA device, targets N integers; the GEMMs in compute (float32, bfloat16, float16: the
// caller's autocast type), the softmax in float32. Differentiable in hidden and weight.
at::Tensor linear_cross_entropy(const at::Tensor& hidden, const at::Tensor& weight, const at::Tensor& targets,
                                c10::ScalarType compute, int64_t ignore_index);

}  // namespace dt_fused
