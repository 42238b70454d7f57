// Point-cloud and graph kernels of dashtorch: see point_kernels.h. Plain CUDA C++, compiled by nvcc in build.sh;
// points.cpp wraps them as ATen operations.
//
// The radius queries compare centres with every point (a (centres × points) tile the reference materialises in
// float32, then float64): here a warp walks the points for one centre (radius_sums) or a thread counts one point's
// centres from a tile of them in shared memory (radius_counts); nothing but the result is written.
#include "point_kernels.h"

#include <cuda_runtime.h>

namespace dt_points {
namespace {

constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = 8;
constexpr int kThreads = kWarp * kWarpsPerBlock;
constexpr int kCentresPerTile = 1024;

// ((Δx·Δx) + Δy·Δy) + Δz·Δz, every step rounded to float32 as ATen's separate ops are (no fused multiply-add).
// Δ = centre − point, as in the reference (the sign does not change the square, but keeps the rounding the same).
__device__ __forceinline__ float squared_distance(float cx, float cy, float cz, float px, float py, float pz) {
  const float dx = __fsub_rn(cx, px), dy = __fsub_rn(cy, py), dz = __fsub_rn(cz, pz);
  return __fadd_rn(__fadd_rn(__fmul_rn(dx, dx), __fmul_rn(dy, dy)), __fmul_rn(dz, dz));
}

__device__ __forceinline__ double warp_sum(double v) {
  for (int offset = kWarp / 2; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = kWarp / 2; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// One warp per centre.
template <int K>
__global__ void radius_sums_kernel(const float* __restrict__ positions, int64_t n, const float* __restrict__ centres,
                                   int64_t count, const double* __restrict__ stats, float r2, int exclude_self,
                                   double* __restrict__ sums) {
  const int64_t b = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / kWarp;
  if (b >= count) return;
  const int lane = threadIdx.x % kWarp;
  const float cx = centres[3 * b], cy = centres[3 * b + 1], cz = centres[3 * b + 2];
  double acc[K];
#pragma unroll
  for (int c = 0; c < K; ++c) acc[c] = 0.0;
  for (int64_t j = lane; j < n; j += kWarp) {
    const float d2 = squared_distance(cx, cy, cz, positions[3 * j], positions[3 * j + 1], positions[3 * j + 2]);
    if (d2 < r2 && (!exclude_self || d2 > 0.0f)) {
#pragma unroll
      for (int c = 0; c < K; ++c) acc[c] += stats[j * K + c];
    }
  }
#pragma unroll
  for (int c = 0; c < K; ++c) {
    const double total = warp_sum(acc[c]);
    if (lane == 0) sums[b * K + c] = total;
  }
}

// Points along x, tiles of centres along y; each thread adds its point's count over the tile.
__global__ void radius_counts_kernel(const float* __restrict__ positions, int64_t n, const float* __restrict__ centres,
                                     int64_t count, float r2, unsigned long long* __restrict__ counts) {
  __shared__ float tile[3 * kCentresPerTile];
  const int64_t first = static_cast<int64_t>(blockIdx.y) * kCentresPerTile;
  const int in_tile = static_cast<int>(count - first < kCentresPerTile ? count - first : kCentresPerTile);
  for (int i = threadIdx.x; i < 3 * in_tile; i += blockDim.x) tile[i] = centres[3 * first + i];
  __syncthreads();
  const int64_t j = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= n) return;
  const float p[3] = {positions[3 * j], positions[3 * j + 1], positions[3 * j + 2]};
  unsigned long long reached = 0;
  for (int b = 0; b < in_tile; ++b) {
    reached += squared_distance(tile[3 * b], tile[3 * b + 1], tile[3 * b + 2], p[0], p[1], p[2]) < r2 ? 1ull : 0ull;
  }
  if (reached != 0) atomicAdd(counts + j, reached);
}

// One warp per requested row.
__global__ void inverse_distance_row_sums_kernel(const int64_t* __restrict__ offsets, const int64_t* __restrict__ targets,
                                                 const float* __restrict__ distances, const float* __restrict__ values,
                                                 const int64_t* __restrict__ rows, int64_t m, float softening,
                                                 float* __restrict__ out) {
  const int64_t t = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / kWarp;
  if (t >= m) return;
  const int lane = threadIdx.x % kWarp;
  const int64_t i = rows[t];
  const int64_t end = offsets[i + 1];
  float acc = 0.0f;
  for (int64_t e = offsets[i] + lane; e < end; e += kWarp)
    acc = __fadd_rn(acc, __fdiv_rn(values[targets[e]], __fadd_rn(distances[e], softening)));
  acc = warp_sum(acc);
  if (lane == 0) out[t] = acc;
}

const char* launched() {
  const cudaError_t e = cudaGetLastError();
  return e == cudaSuccess ? nullptr : cudaGetErrorString(e);
}

unsigned int warp_blocks(int64_t items) { return static_cast<unsigned int>((items + kWarpsPerBlock - 1) / kWarpsPerBlock); }

}  // namespace

const char* radius_sums(const float* positions, int64_t n, const float* centres, int64_t count, const double* stats,
                        int32_t k, float r2, int32_t exclude_self, double* sums, void* stream) {
  if (count <= 0) return nullptr;
  auto s = static_cast<cudaStream_t>(stream);
  const dim3 grid(warp_blocks(count));
  switch (k) {
#define DT_RADIUS_SUMS(K) \
  case K: radius_sums_kernel<K><<<grid, kThreads, 0, s>>>(positions, n, centres, count, stats, r2, exclude_self, sums); break;
    DT_RADIUS_SUMS(1) DT_RADIUS_SUMS(2) DT_RADIUS_SUMS(3) DT_RADIUS_SUMS(4)
    DT_RADIUS_SUMS(5) DT_RADIUS_SUMS(6) DT_RADIUS_SUMS(7) DT_RADIUS_SUMS(8)
#undef DT_RADIUS_SUMS
    default: return "radius_sums: k must be 1 to 8";
  }
  return launched();
}

const char* radius_counts(const float* positions, int64_t n, const float* centres, int64_t count, int64_t* counts,
                          float r2, void* stream) {
  if (n <= 0 || count <= 0) return nullptr;
  const dim3 grid(static_cast<unsigned int>((n + kThreads - 1) / kThreads),
                  static_cast<unsigned int>((count + kCentresPerTile - 1) / kCentresPerTile));
  if (grid.y > 65535u) return "radius_counts: too many centres for one launch";
  radius_counts_kernel<<<grid, kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
      positions, n, centres, count, r2, reinterpret_cast<unsigned long long*>(counts));
  return launched();
}

const char* inverse_distance_row_sums(const int64_t* offsets, const int64_t* targets, const float* distances,
                                      const float* values, const int64_t* rows, int64_t m, float softening, float* out,
                                      void* stream) {
  if (m <= 0) return nullptr;
  inverse_distance_row_sums_kernel<<<warp_blocks(m), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
      offsets, targets, distances, values, rows, m, softening, out);
  return launched();
}

}  // namespace dt_points
