// The table-row kernels (row_kernels.cu) as ATen operations with their gradients (rows.cpp), for dashtorch.cpp's
// dt_rows_* entry points. Only in builds with DT_WITH_FUSED_KERNELS. The ATen references are in src/Torch/TableRows.cs.
#pragma once
#include <ATen/ATen.h>

namespace dt_rows {

// w ⊙ (k·s)[:, None] for w (V, C) and s (V) float32 on one CUDA device; differentiable in w and s.
at::Tensor scaled_rows(const at::Tensor& w, const at::Tensor& s, double k);

// weight[indices] for weight (V, C) float32 and indices int64 (any shape) on one CUDA device: ATen's lookup forward,
// the gradient by embedding_backward (one pass, no zero-fill; ATen's own where there are more indices than it takes).
at::Tensor embedding(const at::Tensor& weight, const at::Tensor& indices);

// x (outer, mid, inner, cols) float32 on a CUDA device summed over outer and inner → (mid, cols), by row_kernels'
// sum_partials (one launch, a fixed order). Not differentiable: it sums the fused kernels' parameter partials.
at::Tensor sum_partials(const at::Tensor& x);

// Whether the fused kernels' backwards (fused.cpp) sum their parameter partials with sum_partials or with ATen's sum,
// as Fused.cs decides (Fused.PartialSums: off until the kernel has passed its GPU check, or when refused). Off at load.
void use_partial_sums_kernel(bool on);
bool partial_sums_kernel_on();

}  // namespace dt_rows
