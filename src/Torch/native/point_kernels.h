// CUDA kernels over point clouds and neighbour graphs (point_kernels.cu), behind plain C++ launchers as
// fused_kernels.h: queries that the ATen references (src/Torch/PointCloud.cs, src/Torch/EdgeSums.cs) answer by
// materialising a (centres × points) or (edges) tensor, answered here in one pass without it. Compiled in where build.sh
// finds nvcc (DT_WITH_FUSED_KERNELS); every launcher returns nullptr on success or the CUDA error's message.
#pragma once
#include <stdint.h>

namespace dt_points {

// The most statistics per point radius_sums takes (one float64 accumulator each per lane).
constexpr int32_t kMaxRadiusStats = 8;

// sums[b, c] = Σ_j [d²(b, j) < r2, and d² > 0 when exclude_self] stats[j, c]: positions (n, 3) and centres (count, 3)
// float32 contiguous, stats (n, k) float64 contiguous, sums (count, k) float64. d² is formed as the reference forms it,
// ((Δx·Δx) + Δy·Δy) + Δz·Δz with Δ = centre − point, each operation rounded to float32 (no contraction), so that a
// point lies within the radius exactly when it does in the reference; the sums are float64 in another order.
const char* radius_sums(const float* positions, int64_t n, const float* centres, int64_t count, const double* stats,
                        int32_t k, float r2, int32_t exclude_self, double* sums, void* stream);

// counts[j] += #{b : d²(b, j) < r2} for points j, centres b (both (·, 3) float32 contiguous); counts int64 (n),
// zeroed by the caller. d² as in radius_sums.
const char* radius_counts(const float* positions, int64_t n, const float* centres, int64_t count, int64_t* counts,
                          float r2, void* stream);

// out[t] = Σ_{e ∈ [offsets[i], offsets[i+1])} values[targets[e]] / (distances[e] + softening), i = rows[t], for a
// graph in compressed rows (offsets int64 (nodes + 1), targets int64 (edges), distances and values float32); float32
// throughout, each division rounded as the reference's; the sum in another order than its scatter_add. The indices are
// trusted (offsets non-decreasing within [0, edges], targets and rows within [0, nodes)): checking them would cost a read
// back to the host per call, and the graph is the caller's own (HHmL builds it); the ATen reference checks them.
const char* inverse_distance_row_sums(const int64_t* offsets, const int64_t* targets, const float* distances,
                                      const float* values, const int64_t* rows, int64_t m, float softening, float* out,
                                      void* stream);

}  // namespace dt_points
