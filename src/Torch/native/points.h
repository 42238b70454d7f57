// The point-cloud and graph kernels (point_kernels.cu) as ATen operations (points.cpp), for dashtorch.cpp's
// dt_points_* entry points. Only in builds with DT_WITH_FUSED_KERNELS. No gradients: these are measurements.
#pragma once
#include <ATen/ATen.h>

namespace dt_points {

// (count, k) float64: Σ over points strictly within the radius of each centre (and not at it, when exclude_self) of
// their rows of stats (n, k) float64; positions (n, 3), centres (count, 3) float32, all on one CUDA device.
at::Tensor radius_sums(const at::Tensor& positions, const at::Tensor& centres, const at::Tensor& stats, double r2,
                       bool exclude_self);

// (n) int64: how many of the centres each point lies strictly within the radius of.
at::Tensor radius_counts(const at::Tensor& positions, const at::Tensor& centres, double r2);

// (m) float32: Σ over row rows[t]'s edges of values[target] / (distance + softening), a graph in compressed rows.
at::Tensor inverse_distance_row_sums(const at::Tensor& offsets, const at::Tensor& targets, const at::Tensor& distances,
                                     const at::Tensor& values, const at::Tensor& rows, double softening);

}  // namespace dt_points
