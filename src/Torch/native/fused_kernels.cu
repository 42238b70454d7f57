// Fused CUDA kernels of dashtorch: see fused_kernels.h. Plain CUDA C++ (no libtorch headers), compiled by nvcc
// in build.sh and linked into libdashtorch.so; fused.cpp turns them into ATen ops with autograd.
//
// Layout: one warp (32 threads) per row of the (rows, cols) input, eight rows to a block of 256 threads. A warp
// walks its row in strides of 32 several times (the row is re-read from L1/L2, not from memory: at nGPT's width a
// row is 1.5 KB), accumulating in float32 and summing across the warp with shuffles. Keeping every pass a plain
// loop over the row keeps the arithmetic visibly the same as the ATen reference (Fused.cs), pass for pass.
#include "fused_kernels.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "unit_blocks.h"

#include <algorithm>

namespace dt_fused {
namespace {

constexpr int kWarp = 32;
constexpr int kRowsPerBlock = 8;
constexpr int kThreads = kWarp * kRowsPerBlock;

__device__ __forceinline__ float load(const float* p, int64_t i) { return p[i]; }
__device__ __forceinline__ float load(const __nv_bfloat16* p, int64_t i) { return __bfloat162float(p[i]); }
__device__ __forceinline__ float load(const __half* p, int64_t i) { return __half2float(p[i]); }
// Round to nearest even, as ATen's conversions.
__device__ __forceinline__ void store(float* p, int64_t i, float v) { p[i] = v; }
__device__ __forceinline__ void store(__nv_bfloat16* p, int64_t i, float v) { p[i] = __float2bfloat16_rn(v); }
__device__ __forceinline__ void store(__half* p, int64_t i, float v) { p[i] = __float2half_rn(v); }

// The sum of v over the warp's 32 lanes, in every lane.
__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = kWarp / 2; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// ---------------------------------------------------------------- normalised residual update

// α as used, from the stored parameter s (cols entries, stride 1, or one, stride 0): k·s, or |k·s| (nGPT's eigen
// learning rates), computed where it is read so that the transform adds no kernels forward or backward.
struct Alpha {
  const float* __restrict__ stored;
  int stride;
  float multiplier;
  int absolute;

  __device__ __forceinline__ float operator[](int64_t c) const {
    const float scaled = multiplier * stored[c * stride];
    return absolute ? fabsf(scaled) : scaled;
  }
  // ∂α/∂s: k, or k·sgn(k·s) for |k·s|, which is what ATen's abs backward (grad · sgn(input), sgn(0) = 0) and its mul
  // backward (· k) give for the composed ops.
  __device__ __forceinline__ float slope(int64_t c) const {
    if (!absolute) return multiplier;
    const float scaled = multiplier * stored[c * stride];
    return multiplier * static_cast<float>((scaled > 0.f) - (scaled < 0.f));
  }
};

// out = m/‖m‖, m = a + α(b − a), a = h/‖h‖, b = u/‖u‖ (no epsilon: the reference has none).
template <typename TH, typename TU, typename TO>
__global__ void __launch_bounds__(kThreads)
normalized_residual_forward_kernel(const TH* __restrict__ h, const TU* __restrict__ u, const Alpha alpha,
                                   TO* __restrict__ out, float* __restrict__ norms, int64_t rows, int64_t cols) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;  // row is the same in all 32 lanes: the warp leaves together
  const TH* hr = h + row * cols;
  const TU* ur = u + row * cols;
  TO* outr = out + row * cols;

  float hh = 0.f, uu = 0.f;
  for (int64_t c = lane; c < cols; c += kWarp) {
    const float x = load(hr, c), y = load(ur, c);
    hh += x * x;
    uu += y * y;
  }
  const float nh = sqrtf(warp_sum(hh)), nu = sqrtf(warp_sum(uu));

  float mm = 0.f;
  for (int64_t c = lane; c < cols; c += kWarp) {
    const float a = load(hr, c) / nh, b = load(ur, c) / nu;
    const float m = a + alpha[c] * (b - a);
    mm += m * m;
  }
  const float nm = sqrtf(warp_sum(mm));

  for (int64_t c = lane; c < cols; c += kWarp) {
    const float a = load(hr, c) / nh, b = load(ur, c) / nu;
    const float m = a + alpha[c] * (b - a);
    store(outr, c, m / nm);
  }
  if (lane == 0) {
    norms[row * 3 + 0] = nh;
    norms[row * 3 + 1] = nu;
    norms[row * 3 + 2] = nm;
  }
}

// Gradients, given g = ∂L/∂out and the forward's norms. With y = m/‖m‖:
//   ∂L/∂m = (g − y (y·g)) / ‖m‖
//   ∂L/∂a = (1 − α) ∂L/∂m,   ∂L/∂b = α ∂L/∂m,   ∂L/∂α = Σ_rows (b − a) ∂L/∂m,   ∂L/∂s = ∂L/∂α · ∂α/∂s
//   ∂L/∂h = (∂L/∂a − a (a·∂L/∂a)) / ‖h‖,   ∂L/∂u = (∂L/∂b − b (b·∂L/∂b)) / ‖u‖
// ∂L/∂s is written per row (per element for a vector α), summed over rows by the caller: no atomics, so the
// result does not depend on the order blocks run in (∂α/∂s is per element, so it goes on each row's part).
template <typename TH, typename TU, typename TG>
__global__ void __launch_bounds__(kThreads)
normalized_residual_backward_kernel(const TH* __restrict__ h, const TU* __restrict__ u, const Alpha alpha,
                                    const TG* __restrict__ g, const float* __restrict__ norms,
                                    TH* __restrict__ grad_h, TU* __restrict__ grad_u,
                                    float* __restrict__ grad_alpha_rows, int64_t rows, int64_t cols) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;
  const TH* hr = h + row * cols;
  const TU* ur = u + row * cols;
  const TG* gr = g + row * cols;
  const float nh = norms[row * 3 + 0], nu = norms[row * 3 + 1], nm = norms[row * 3 + 2];

  float yg = 0.f;
  for (int64_t c = lane; c < cols; c += kWarp) {
    const float a = load(hr, c) / nh, b = load(ur, c) / nu;
    const float m = a + alpha[c] * (b - a);
    yg += (m / nm) * load(gr, c);
  }
  yg = warp_sum(yg);

  float aga = 0.f, bgb = 0.f, galpha = 0.f;
  for (int64_t c = lane; c < cols; c += kWarp) {
    const float a = load(hr, c) / nh, b = load(ur, c) / nu, al = alpha[c];
    const float m = a + al * (b - a);
    const float gm = (load(gr, c) - (m / nm) * yg) / nm;
    aga += a * ((1.f - al) * gm);
    bgb += b * (al * gm);
    if (alpha.stride != 0) grad_alpha_rows[row * cols + c] = (b - a) * gm * alpha.slope(c);
    else galpha += (b - a) * gm;
  }
  aga = warp_sum(aga);
  bgb = warp_sum(bgb);
  if (alpha.stride == 0) {
    galpha = warp_sum(galpha);
    if (lane == 0) grad_alpha_rows[row] = galpha * alpha.slope(0);
  }

  TH* ghr = grad_h + row * cols;
  TU* gur = grad_u + row * cols;
  for (int64_t c = lane; c < cols; c += kWarp) {
    const float a = load(hr, c) / nh, b = load(ur, c) / nu, al = alpha[c];
    const float m = a + al * (b - a);
    const float gm = (load(gr, c) - (m / nm) * yg) / nm;
    store(ghr, c, ((1.f - al) * gm - a * aga) / nh);
    store(gur, c, (al * gm - b * bgb) / nu);
  }
}

// The same two kernels for rows of at most kCachedCols columns (nGPT's widths), each lane's 16 columns held in
// registers: every load of a row is issued at once (one trip to memory, not one per pass), and the backward sums
// ∂L/∂s over its block's rows in shared memory, so the caller sums one partial per block instead of one per row.
constexpr int kCachedPerLane = 16;
constexpr int kCachedCols = kCachedPerLane * kWarp;

template <typename TH, typename TU, typename TO>
__global__ void __launch_bounds__(kThreads)
normalized_residual_forward_cached_kernel(const TH* __restrict__ h, const TU* __restrict__ u, const Alpha alpha,
                                          TO* __restrict__ out, float* __restrict__ norms, int64_t rows, int cols) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;
  const TH* hr = h + row * cols;
  const TU* ur = u + row * cols;
  float a[kCachedPerLane], b[kCachedPerLane];
#pragma unroll
  for (int k = 0; k < kCachedPerLane; ++k) {
    const int c = lane + k * kWarp;
    a[k] = c < cols ? load(hr, c) : 0.f;
    b[k] = c < cols ? load(ur, c) : 0.f;
  }
  float hh = 0.f, uu = 0.f;
#pragma unroll
  for (int k = 0; k < kCachedPerLane; ++k) {
    hh += a[k] * a[k];
    uu += b[k] * b[k];
  }
  const float nh = sqrtf(warp_sum(hh)), nu = sqrtf(warp_sum(uu));
  float mm = 0.f;
#pragma unroll
  for (int k = 0; k < kCachedPerLane; ++k) {
    const int c = lane + k * kWarp;
    if (c >= cols) continue;
    const float ak = a[k] / nh, bk = b[k] / nu;
    a[k] = ak + alpha[c] * (bk - ak);  // m
    mm += a[k] * a[k];
  }
  const float nm = sqrtf(warp_sum(mm));
  TO* outr = out + row * cols;
#pragma unroll
  for (int k = 0; k < kCachedPerLane; ++k) {
    const int c = lane + k * kWarp;
    if (c < cols) store(outr, c, a[k] / nm);
  }
  if (lane == 0) {
    norms[row * 3 + 0] = nh;
    norms[row * 3 + 1] = nu;
    norms[row * 3 + 2] = nm;
  }
}

// grad_alpha_parts: one row of cols (vector α) or one value (scalar α) per block, the sum of its rows' ∂L/∂s.
template <typename TH, typename TU, typename TG>
__global__ void __launch_bounds__(kThreads)
normalized_residual_backward_cached_kernel(const TH* __restrict__ h, const TU* __restrict__ u, const Alpha alpha,
                                           const TG* __restrict__ g, const float* __restrict__ norms,
                                           TH* __restrict__ grad_h, TU* __restrict__ grad_u,
                                           float* __restrict__ grad_alpha_parts, int64_t rows, int cols) {
  __shared__ float parts[kRowsPerBlock][kCachedCols];
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + warp;
  const bool valid = row < rows;  // no early return: the block meets at __syncthreads below
  float a[kCachedPerLane], b[kCachedPerLane], gm[kCachedPerLane];
  float galpha = 0.f;
  if (valid) {
    const TH* hr = h + row * cols;
    const TU* ur = u + row * cols;
    const TG* gr = g + row * cols;
#pragma unroll
    for (int k = 0; k < kCachedPerLane; ++k) {
      const int c = lane + k * kWarp;
      a[k] = c < cols ? load(hr, c) : 0.f;
      b[k] = c < cols ? load(ur, c) : 0.f;
      gm[k] = c < cols ? load(gr, c) : 0.f;
    }
    const float nh = norms[row * 3 + 0], nu = norms[row * 3 + 1], nm = norms[row * 3 + 2];
    float yg = 0.f;
#pragma unroll
    for (int k = 0; k < kCachedPerLane; ++k) {
      const int c = lane + k * kWarp;
      if (c >= cols) continue;
      a[k] /= nh;
      b[k] /= nu;
      yg += ((a[k] + alpha[c] * (b[k] - a[k])) / nm) * gm[k];
    }
    yg = warp_sum(yg);
    float aga = 0.f, bgb = 0.f;
#pragma unroll
    for (int k = 0; k < kCachedPerLane; ++k) {
      const int c = lane + k * kWarp;
      if (c >= cols) continue;
      const float al = alpha[c];
      const float m = a[k] + al * (b[k] - a[k]);
      gm[k] = (gm[k] - (m / nm) * yg) / nm;  // ∂L/∂m
      aga += a[k] * ((1.f - al) * gm[k]);
      bgb += b[k] * (al * gm[k]);
      const float ga = (b[k] - a[k]) * gm[k];
      if (alpha.stride != 0) parts[warp][c] = ga;
      else galpha += ga;
    }
    aga = warp_sum(aga);
    bgb = warp_sum(bgb);
    TH* ghr = grad_h + row * cols;
    TU* gur = grad_u + row * cols;
#pragma unroll
    for (int k = 0; k < kCachedPerLane; ++k) {
      const int c = lane + k * kWarp;
      if (c >= cols) continue;
      const float al = alpha[c];
      store(ghr, c, ((1.f - al) * gm[k] - a[k] * aga) / nh);
      store(gur, c, (al * gm[k] - b[k] * bgb) / nu);
    }
  } else if (alpha.stride != 0) {
    for (int c = lane; c < cols; c += kWarp) parts[warp][c] = 0.f;
  }
  if (alpha.stride == 0) {
    galpha = warp_sum(galpha);
    if (lane == 0) parts[warp][0] = galpha;
  }
  __syncthreads();
  // The block's rows summed in a fixed order (no atomics), then ∂α/∂s, which depends on the column only.
  const int width = alpha.stride != 0 ? cols : 1;
  for (int c = threadIdx.x; c < width; c += kThreads) {
    float total = 0.f;
    for (int w = 0; w < kRowsPerBlock; ++w) total += parts[w][c];
    grad_alpha_parts[static_cast<int64_t>(blockIdx.x) * width + c] = total * alpha.slope(c);
  }
}

// ---------------------------------------------------------------- rotary + q/k normalisation

// Where row `row` (= ((b·H + h)·T + t)) of x starts, and its position t and head h.
struct RotaryRow {
  int64_t x_offset, gx_offset, t, h;
};

__device__ __forceinline__ RotaryRow rotary_row(const RotaryShape& s, int64_t row) {
  const int64_t t = row % s.time, h = (row / s.time) % s.heads, b = row / (s.time * s.heads);
  return {b * s.x_strides[0] + h * s.x_strides[1] + t * s.x_strides[2],
          b * s.gx_strides[0] + h * s.gx_strides[1] + t * s.gx_strides[2], t, h};
}

// r_i = x_i cos_i − x_{i+d/2} sin_i (first half), x_i cos_i + x_{i−d/2} sin_i (second half).
template <typename T>
__device__ __forceinline__ float rotated(const T* xr, int64_t stride, const float* cr, const float* sr, int64_t i,
                                         int64_t half) {
  const float partner = i < half ? -load(xr, (i + half) * stride) : load(xr, (i - half) * stride);
  return load(xr, i * stride) * cr[i] + partner * sr[i];
}

template <typename TX, typename TO>
__global__ void __launch_bounds__(kThreads)
rotary_normalize_forward_kernel(const TX* __restrict__ x, RotaryShape shape, const float* __restrict__ cos,
                                const float* __restrict__ sin, const float* __restrict__ scale, float multiplier,
                                TO* __restrict__ out, float* __restrict__ norms, int64_t rows) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;
  const int64_t d = shape.dim, half = d / 2, stride = shape.x_strides[3];
  const RotaryRow at = rotary_row(shape, row);
  const TX* xr = x + at.x_offset;
  const float* cr = cos + at.t * d;
  const float* sr = sin + at.t * d;
  const float* scr = scale + at.h * d;
  float rr = 0.f;
  for (int64_t i = lane; i < d; i += kWarp) {
    const float r = rotated(xr, stride, cr, sr, i, half);
    rr += r * r;
  }
  const float n = sqrtf(warp_sum(rr));
  TO* outr = out + row * d;
  for (int64_t i = lane; i < d; i += kWarp)
    store(outr, i, (multiplier * scr[i]) * (rotated(xr, stride, cr, sr, i, half) / n));
  if (lane == 0) norms[row] = n;
}

// With z = r/‖r‖, g = ∂L/∂out and the scale used k·s:  ∂L/∂s = k Σ_{b,t} g ⊙ z;  ∂L/∂z = (k·s) ⊙ g;
// ∂L/∂r = (∂L/∂z − z (z·∂L/∂z)) / ‖r‖;  ∂L/∂x = Rᵀ ∂L/∂r, the rotation back:
//   first half:  ∂x_i = ∂r_i cos_i + ∂r_{i+d/2} sin_{i+d/2};  second half: ∂x_i = −∂r_{i−d/2} sin_{i−d/2} + ∂r_i cos_i
template <typename TX, typename TG>
__global__ void __launch_bounds__(kThreads)
rotary_normalize_backward_kernel(const TX* __restrict__ x, RotaryShape shape, const float* __restrict__ cos,
                                 const float* __restrict__ sin, const float* __restrict__ scale, float multiplier,
                                 const TG* __restrict__ g, const float* __restrict__ norms, TX* __restrict__ grad_x,
                                 float* __restrict__ grad_scale_rows, int64_t rows) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;
  const int64_t d = shape.dim, half = d / 2, stride = shape.x_strides[3];
  const RotaryRow at = rotary_row(shape, row);
  const TX* xr = x + at.x_offset;
  const float* cr = cos + at.t * d;
  const float* sr = sin + at.t * d;
  const float* scr = scale + at.h * d;
  const TG* gr = g + row * d;
  const float n = norms[row];

  float zgz = 0.f;
  for (int64_t i = lane; i < d; i += kWarp) {
    const float z = rotated(xr, stride, cr, sr, i, half) / n, gi = load(gr, i);
    zgz += z * ((multiplier * scr[i]) * gi);
    grad_scale_rows[row * d + i] = gi * z * multiplier;
  }
  zgz = warp_sum(zgz);

  // ∂L/∂r_j for any j of the row, from what every lane can read.
  auto grad_r = [&](int64_t j) {
    const float z = rotated(xr, stride, cr, sr, j, half) / n;
    return ((multiplier * scr[j]) * load(gr, j) - z * zgz) / n;
  };
  TX* gxr = grad_x + at.gx_offset;
  for (int64_t i = lane; i < d; i += kWarp) {
    const float gx = i < half ? grad_r(i) * cr[i] + grad_r(i + half) * sr[i + half]
                              : -grad_r(i - half) * sr[i - half] + grad_r(i) * cr[i];
    store(gxr, i * shape.gx_strides[3], gx);
  }
}

// The same two kernels for head sizes up to kPairedDim: a lane owns the rotation pairs (j, j + d/2) for j = lane and
// lane + 32, so a row is read once and nothing is recomputed across lanes; a block takes kPairedRowsPerBlock time
// steps of one (batch, head), 4 to each warp, and sums their ∂L/∂s in shared memory: one partial per block along
// time, (B, H, ⌈T / kPairedRowsPerBlock⌉, d), for the caller to sum. Index arithmetic in 32 bits (a launch's
// blocks fit); offsets in 64.
constexpr int kPairedDim = 2 * 2 * kWarp;   // two pairs per lane
static_assert(kPairedDim == kRotaryPairedMaxDim, "the header's bound is the kernel's");
constexpr int kPairedRowsPerWarp = 4;
constexpr int kPairedRowsPerBlock = kRowsPerBlock * kPairedRowsPerWarp;

struct PairedBlock {
  int64_t bh;     // b·H + h
  int64_t b, h;
  int t0;         // the block's first time step
};

__device__ __forceinline__ PairedBlock paired_block(const RotaryShape& s) {
  const int chunks = static_cast<int>((s.time + kPairedRowsPerBlock - 1) / kPairedRowsPerBlock);
  const int bh = static_cast<int>(blockIdx.x) / chunks, chunk = static_cast<int>(blockIdx.x) % chunks;
  const int heads = static_cast<int>(s.heads);
  return {bh, bh / heads, bh % heads, chunk * kPairedRowsPerBlock};
}

template <typename TX, typename TO>
__global__ void __launch_bounds__(kThreads)
rotary_normalize_forward_paired_kernel(const TX* __restrict__ x, RotaryShape shape, const float* __restrict__ cos,
                                       const float* __restrict__ sin, const float* __restrict__ scale, float multiplier,
                                       TO* __restrict__ out, float* __restrict__ norms) {
  const PairedBlock blk = paired_block(shape);
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  const int d = static_cast<int>(shape.dim), half = d / 2;
  const int64_t stride = shape.x_strides[3];
  const float* scr = scale + blk.h * d;
  for (int i = 0; i < kPairedRowsPerWarp; ++i) {
    const int t = blk.t0 + warp + i * kRowsPerBlock;
    if (t >= shape.time) break;
    const TX* xr = x + blk.b * shape.x_strides[0] + blk.h * shape.x_strides[1] + t * shape.x_strides[2];
    const float* cr = cos + static_cast<int64_t>(t) * d;
    const float* sr = sin + static_cast<int64_t>(t) * d;
    float r1[2], r2[2], rr = 0.f;
#pragma unroll
    for (int p = 0; p < 2; ++p) {
      const int j = lane + p * kWarp;
      r1[p] = r2[p] = 0.f;
      if (j >= half) continue;
      const float x1 = load(xr, j * stride), x2 = load(xr, (j + half) * stride);
      r1[p] = x1 * cr[j] - x2 * sr[j];
      r2[p] = x2 * cr[j + half] + x1 * sr[j + half];
      rr += r1[p] * r1[p] + r2[p] * r2[p];
    }
    const float n = sqrtf(warp_sum(rr));
    const int64_t row = blk.bh * shape.time + t;
    TO* outr = out + row * d;
#pragma unroll
    for (int p = 0; p < 2; ++p) {
      const int j = lane + p * kWarp;
      if (j >= half) continue;
      store(outr, j, (multiplier * scr[j]) * (r1[p] / n));
      store(outr, j + half, (multiplier * scr[j + half]) * (r2[p] / n));
    }
    if (lane == 0) norms[row] = n;
  }
}

template <typename TX, typename TG>
__global__ void __launch_bounds__(kThreads)
rotary_normalize_backward_paired_kernel(const TX* __restrict__ x, RotaryShape shape, const float* __restrict__ cos,
                                        const float* __restrict__ sin, const float* __restrict__ scale,
                                        float multiplier, const TG* __restrict__ g, const float* __restrict__ norms,
                                        TX* __restrict__ grad_x, float* __restrict__ grad_scale_parts) {
  __shared__ float parts[kRowsPerBlock][kPairedDim];
  const PairedBlock blk = paired_block(shape);
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  const int d = static_cast<int>(shape.dim), half = d / 2;
  const int64_t stride = shape.x_strides[3];
  const float* scr = scale + blk.h * d;
  float ps1[2] = {0.f, 0.f}, ps2[2] = {0.f, 0.f};   // this lane's Σ_t g ⊙ z at j and j + d/2
  for (int i = 0; i < kPairedRowsPerWarp; ++i) {
    const int t = blk.t0 + warp + i * kRowsPerBlock;
    if (t >= shape.time) break;
    const int64_t x_offset = blk.b * shape.x_strides[0] + blk.h * shape.x_strides[1] + t * shape.x_strides[2];
    const TX* xr = x + x_offset;
    const float* cr = cos + static_cast<int64_t>(t) * d;
    const float* sr = sin + static_cast<int64_t>(t) * d;
    const int64_t row = blk.bh * shape.time + t;
    // ∂L/∂out as it comes (attention's backward hands q's and k's gradients over transposed: no copy to contiguous).
    const TG* gr = g + blk.b * shape.g_strides[0] + blk.h * shape.g_strides[1] + t * shape.g_strides[2];
    const int64_t gs = shape.g_strides[3];
    const float n = norms[row];
    float z1[2], z2[2], g1[2], g2[2], zgz = 0.f;
#pragma unroll
    for (int p = 0; p < 2; ++p) {
      const int j = lane + p * kWarp;
      z1[p] = z2[p] = g1[p] = g2[p] = 0.f;
      if (j >= half) continue;
      const float x1 = load(xr, j * stride), x2 = load(xr, (j + half) * stride);
      z1[p] = (x1 * cr[j] - x2 * sr[j]) / n;
      z2[p] = (x2 * cr[j + half] + x1 * sr[j + half]) / n;
      g1[p] = load(gr, j * gs);
      g2[p] = load(gr, (j + half) * gs);
      zgz += z1[p] * ((multiplier * scr[j]) * g1[p]) + z2[p] * ((multiplier * scr[j + half]) * g2[p]);
      ps1[p] += g1[p] * z1[p] * multiplier;
      ps2[p] += g2[p] * z2[p] * multiplier;
    }
    zgz = warp_sum(zgz);
    TX* gxr = grad_x + blk.b * shape.gx_strides[0] + blk.h * shape.gx_strides[1] + t * shape.gx_strides[2];
    const int64_t gx_stride = shape.gx_strides[3];
#pragma unroll
    for (int p = 0; p < 2; ++p) {
      const int j = lane + p * kWarp;
      if (j >= half) continue;
      const float gr1 = ((multiplier * scr[j]) * g1[p] - z1[p] * zgz) / n;
      const float gr2 = ((multiplier * scr[j + half]) * g2[p] - z2[p] * zgz) / n;
      store(gxr, j * gx_stride, gr1 * cr[j] + gr2 * sr[j + half]);
      store(gxr, (j + half) * gx_stride, -gr1 * sr[j] + gr2 * cr[j + half]);
    }
  }
#pragma unroll
  for (int p = 0; p < 2; ++p) {
    const int j = lane + p * kWarp;
    if (j >= half) continue;
    parts[warp][j] = ps1[p];
    parts[warp][j + half] = ps2[p];
  }
  __syncthreads();
  for (int i = threadIdx.x; i < d; i += kThreads) {
    float total = 0.f;
    for (int w = 0; w < kRowsPerBlock; ++w) total += parts[w][i];
    grad_scale_parts[static_cast<int64_t>(blockIdx.x) * d + i] = total;
  }
}

// ---------------------------------------------------------------- projection onto the unit sphere

// The matrices of one launch and, for each, the first block that works on it (blocks are dealt out matrix after
// matrix: a row-wise matrix gets a block per 8 rows, a column-wise one a block per 32 columns).
struct UnitMatrixBatch {
  UnitMatrix matrices[kMaxUnitMatrices];
  int32_t first_block[kMaxUnitMatrices + 1];
  int32_t count;
};

template <typename T>
__global__ void __launch_bounds__(kThreads) project_unit_kernel(const UnitMatrixBatch batch, int32_t normalise,
                                                               float* deviation_sum) {
  const int32_t k = dt_unit_blocks::matrix_of(batch.first_block, batch.count, static_cast<int32_t>(blockIdx.x));
  const UnitMatrix mat = batch.matrices[k];
  const int64_t block = static_cast<int64_t>(blockIdx.x) - batch.first_block[k];
  T* w = static_cast<T*>(mat.data);
  const int lane = threadIdx.x % kWarp;
  const int group = threadIdx.x / kWarp;
  __shared__ float deviations[kRowsPerBlock];

  if (mat.by_columns == 0) {
    // A warp per row: w[r, :] /= ‖w[r, :]‖.
    const int64_t row = block * kRowsPerBlock + group;
    float deviation = 0.f;
    if (row < mat.rows) {
      T* wr = w + row * mat.cols;
      float ss = 0.f;
      for (int64_t c = lane; c < mat.cols; c += kWarp) {
        const float v = load(wr, c);
        ss += v * v;
      }
      const float norm = sqrtf(warp_sum(ss));
      deviation = fabsf(norm - 1.f);
      if (normalise)
        for (int64_t c = lane; c < mat.cols; c += kWarp) store(wr, c, load(wr, c) / norm);
    }
    if (deviation_sum == nullptr) return;
    // One atomic per block, not per row: the block's eight rows meet in shared memory first.
    if (lane == 0) deviations[group] = deviation;
    __syncthreads();
    if (threadIdx.x == 0) {
      float total = 0.f;
      for (int i = 0; i < kRowsPerBlock; ++i) total += deviations[i];
      atomicAdd(deviation_sum, total);
    }
    return;
  }

  // 32 adjacent columns per block, so that each row's 32 elements are read together; the 8 warps take every
  // 8th row and their partial sums meet in shared memory. w[:, c] /= ‖w[:, c]‖.
  __shared__ float partial[kRowsPerBlock][kWarp];
  __shared__ float norms[kWarp];
  const int64_t col = block * kWarp + lane;
  float ss = 0.f;
  if (col < mat.cols)
    for (int64_t r = group; r < mat.rows; r += kRowsPerBlock) {
      const float v = load(w, r * mat.cols + col);
      ss += v * v;
    }
  partial[group][lane] = ss;
  __syncthreads();
  if (group == 0) {
    float total = 0.f;
    for (int i = 0; i < kRowsPerBlock; ++i) total += partial[i][lane];
    norms[lane] = sqrtf(total);
    if (deviation_sum != nullptr) {
      const float deviation = warp_sum(col < mat.cols ? fabsf(norms[lane] - 1.f) : 0.f);
      if (lane == 0) atomicAdd(deviation_sum, deviation);
    }
  }
  __syncthreads();
  if (normalise && col < mat.cols) {
    const float norm = norms[lane];
    for (int64_t r = group; r < mat.rows; r += kRowsPerBlock) {
      const int64_t i = r * mat.cols + col;
      store(w, i, load(w, i) / norm);
    }
  }
}

// ---------------------------------------------------------------- scaled SwiGLU (nGPT's MLP gate)

constexpr int kGateThreads = 256;
constexpr int kGateRowChunks = kScaledSwigluRowChunks;

__device__ __forceinline__ float sigmoid(float x) { return 1.f / (1.f + expf(-x)); }

// out[r, j] = (k s_j u_j) · SiLU(k s_{F+j} v_j), u = uv[r, :F], v = uv[r, F:]; grid-stride over rows × F.
template <typename TUV, typename TO>
__global__ void __launch_bounds__(kGateThreads)
scaled_swiglu_forward_kernel(const TUV* __restrict__ uv, const float* __restrict__ scale, float multiplier,
                             TO* __restrict__ out, int64_t rows, int64_t f) {
  const int64_t n = rows * f;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t r = i / f, j = i % f;
    const float a = load(uv, r * 2 * f + j) * (multiplier * scale[j]);
    const float b = load(uv, r * 2 * f + f + j) * (multiplier * scale[f + j]);
    store(out, i, a * b * sigmoid(b));
  }
}

// Given g = ∂L/∂out (rows, F): ∂L/∂uv (rows, 2F) in uv's type, and ∂L/∂s (k times that to k·s) summed over each chunk of rows into
// grad_scale_chunks (kGateRowChunks, 2F) float32. A block holds kGateThreads adjacent columns of one chunk of rows,
// so that its reads are coalesced and each column's sum stays in a register.
template <typename TUV, typename TG>
__global__ void __launch_bounds__(kGateThreads)
scaled_swiglu_backward_kernel(const TUV* __restrict__ uv, const float* __restrict__ scale, float multiplier,
                              const TG* __restrict__ grad_out, TUV* __restrict__ grad_uv,
                              float* __restrict__ grad_scale_chunks, int64_t rows, int64_t f) {
  const int64_t j = blockIdx.x * static_cast<int64_t>(kGateThreads) + threadIdx.x;
  if (j >= f) return;
  const int64_t chunk = blockIdx.y, per_chunk = (rows + kGateRowChunks - 1) / kGateRowChunks;
  const int64_t first = chunk * per_chunk, last = first + per_chunk < rows ? first + per_chunk : rows;
  const float su = multiplier * scale[j], sv = multiplier * scale[f + j];
  float gsu = 0.f, gsv = 0.f;
  for (int64_t r = first; r < last; ++r) {
    const float u = load(uv, r * 2 * f + j), v = load(uv, r * 2 * f + f + j), g = load(grad_out, r * f + j);
    const float a = u * su, b = v * sv, sig = sigmoid(b);
    const float ga = g * b * sig;                                 // ∂L/∂a = g · SiLU(b)
    const float gb = g * a * sig * (1.f + b * (1.f - sig));       // ∂L/∂b = g · a · SiLU′(b)
    store(grad_uv, r * 2 * f + j, ga * su);
    store(grad_uv, r * 2 * f + f + j, gb * sv);
    gsu += ga * u;
    gsv += gb * v;
  }
  grad_scale_chunks[chunk * 2 * f + j] = gsu * multiplier;
  grad_scale_chunks[chunk * 2 * f + f + j] = gsv * multiplier;
}

// ---------------------------------------------------------------- cross entropy over a head's logits

constexpr int kCeThreads = 512;
// Two blocks' caches and static shared memory within an SM's 228 KB (the runtime keeps 1 KB a block): a bf16 row of
// GPT-2's vocabulary (100.5 KB) fits whole, a float32 one by half.
constexpr int kCeCacheBytes = 108 * 1024;

// 16 bytes of a row: 8 bf16/fp16 or 4 fp32 elements, loaded and stored as one vector.
template <typename T>
struct Pack {
  static constexpr int kSize = 16 / sizeof(T);
  uint4 raw;
  __device__ __forceinline__ float get(int i) const { return load(reinterpret_cast<const T*>(&raw), i); }
  __device__ __forceinline__ void set(int i, float v) { store(reinterpret_cast<T*>(&raw), i, v); }
};

// The running (max, Σ exp(x − max)) of a softmax, merged with one more element or another pair. A −∞ element adds
// nothing (also when the max is −∞ still, where exp(−∞ − −∞) would be NaN); NaN propagates.
__device__ __forceinline__ void softmax_add(float& m, float& s, float x) {
  if (x > m) {
    s = s * expf(m - x) + 1.f;
    m = x;
  } else if (x != -INFINITY) {
    s += expf(x - m);
  }
}
__device__ __forceinline__ void softmax_merge(float& m, float& s, float m2, float s2) {
  const float top = fmaxf(m, m2);
  if (top == -INFINITY) return;
  s = (m == -INFINITY ? 0.f : s * expf(m - top)) + (m2 == -INFINITY ? 0.f : s2 * expf(m2 - top));
  m = top;
}

// A block per row of logits (rows, ld), the first vocab columns in use. Leaves loss_rows[r] = logsumexp(x) − x[t]
// and, in place of the row, ∂loss_r/∂x = softmax(x) − onehot(t), with the padding columns (vocab ≤ j < ld) zero.
// A row whose target is ignore_index has loss 0 and gradient 0; a target outside [0, vocab) gives loss NaN.
// The row's first cached_packs packs are kept in dynamic shared memory between the two passes, so they are read from
// memory once, not twice. The cache holds at most kCeCacheBytes, so that two blocks share an SM: one block's stores
// (pass 2) overlap the other's loads (pass 1), where one block per SM left them in turn. The rest of a longer row is
// read again in pass 2, mostly from the L2 (two blocks per SM leave ~100 KB of a float32 GPT-2 row uncached: ~26 MB
// across the card).
template <typename T>
__global__ void __launch_bounds__(kCeThreads, 2)
cross_entropy_rows_kernel(T* __restrict__ logits, int64_t ld, int64_t vocab, const int64_t* __restrict__ targets,
                          int64_t ignore_index, float* __restrict__ loss_rows, int32_t cached_packs) {
  using P = Pack<T>;
  extern __shared__ uint4 row_cache[];
  const int64_t row = blockIdx.x;
  T* x = logits + row * ld;
  const int32_t packs = static_cast<int32_t>(ld / P::kSize);
  const int64_t target = targets[row];
  __shared__ float shared_m[kCeThreads / kWarp], shared_s[kCeThreads / kWarp];
  __shared__ float row_lse, row_target_logit;

  if (target == ignore_index) {
    P zero;
    zero.raw = make_uint4(0, 0, 0, 0);
    for (int32_t p = threadIdx.x; p < packs; p += blockDim.x) reinterpret_cast<uint4*>(x)[p] = zero.raw;
    if (threadIdx.x == 0) loss_rows[row] = 0.f;
    return;
  }
  const bool in_range = target >= 0 && target < vocab;
  if (threadIdx.x == 0) row_target_logit = in_range ? load(x, target) : NAN;

  // Pass 1: the running max and sum. Four packs' loads are issued before any is used, to keep bytes in flight.
  constexpr int kUnroll = 4;
  float m = -INFINITY, s = 0.f;
  for (int32_t base = threadIdx.x; base < packs; base += kUnroll * blockDim.x) {
    P pack[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int32_t p = base + u * static_cast<int32_t>(blockDim.x);
      if (p < packs) pack[u].raw = reinterpret_cast<const uint4*>(x)[p];
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int32_t p = base + u * static_cast<int32_t>(blockDim.x);
      if (p >= packs) break;
      if (p < cached_packs) row_cache[p] = pack[u].raw;
      const int64_t first = static_cast<int64_t>(p) * P::kSize;
#pragma unroll
      for (int i = 0; i < P::kSize; ++i)
        if (first + i < vocab) softmax_add(m, s, pack[u].get(i));
    }
  }
  for (int offset = kWarp / 2; offset > 0; offset /= 2)
    softmax_merge(m, s, __shfl_xor_sync(0xffffffffu, m, offset), __shfl_xor_sync(0xffffffffu, s, offset));
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  if (lane == 0) {
    shared_m[warp] = m;
    shared_s[warp] = s;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    float bm = -INFINITY, bs = 0.f;
    for (int i = 0; i < static_cast<int>(blockDim.x) / kWarp; ++i) softmax_merge(bm, bs, shared_m[i], shared_s[i]);
    row_lse = bm + logf(bs);
    loss_rows[row] = row_lse - row_target_logit;
  }
  __syncthreads();

  // Pass 2: the gradient, from the cache where it holds the pack (each thread reads back the packs it stored).
  const float lse = row_lse;
  for (int32_t p = threadIdx.x; p < packs; p += blockDim.x) {
    P pack;
    pack.raw = p < cached_packs ? row_cache[p] : reinterpret_cast<const uint4*>(x)[p];
    const int64_t first = static_cast<int64_t>(p) * P::kSize;
#pragma unroll
    for (int i = 0; i < P::kSize; ++i) {
      const int64_t j = first + i;
      pack.set(i, j < vocab ? expf(pack.get(i) - lse) - (j == target ? 1.f : 0.f) : 0.f);
    }
    reinterpret_cast<uint4*>(x)[p] = pack.raw;
  }
}

// ---------------------------------------------------------------- dispatch

template <typename T>
struct Tag {
  using type = T;
};

bool known(int32_t type) { return type == kFloat32 || type == kBFloat16 || type == kFloat16; }

// Calls f(Tag<T>{}) for the element type's C++ type T; the caller has checked known(type).
template <typename F>
void with_type(int32_t type, F&& f) {
  switch (type) {
    case kFloat32: f(Tag<float>{}); break;
    case kBFloat16: f(Tag<__nv_bfloat16>{}); break;
    default: f(Tag<__half>{}); break;
  }
}

const char* launched() {
  const cudaError_t e = cudaGetLastError();
  return e == cudaSuccess ? nullptr : cudaGetErrorString(e);
}

unsigned blocks_for_rows(int64_t rows) { return static_cast<unsigned>((rows + kRowsPerBlock - 1) / kRowsPerBlock); }

int64_t paired_chunks(const RotaryShape& shape) { return (shape.time + kPairedRowsPerBlock - 1) / kPairedRowsPerBlock; }

unsigned paired_blocks(const RotaryShape& shape) {
  return static_cast<unsigned>(shape.batch * shape.heads * paired_chunks(shape));
}

}  // namespace

int64_t normalized_residual_alpha_parts(int64_t rows, int64_t cols) {
  return cols <= kCachedCols ? (rows + kRowsPerBlock - 1) / kRowsPerBlock : rows;
}

int64_t rotary_scale_parts_time(const RotaryShape& shape) {
  return shape.dim <= kPairedDim ? paired_chunks(shape) : shape.time;
}

const char* normalized_residual_forward(const void* h, int32_t h_type, const void* u, int32_t u_type,
                                        const float* alpha, int32_t alpha_stride, float alpha_multiplier,
                                        int32_t alpha_absolute, void* out, int32_t out_type, float* norms,
                                        int64_t rows, int64_t cols, void* stream) {
  if (!known(h_type) || !known(u_type) || !known(out_type)) return "unsupported element type";
  if (rows <= 0) return nullptr;
  if ((rows + kRowsPerBlock - 1) / kRowsPerBlock > 0x7fffffff) return "too many rows for one launch";
  const auto s = static_cast<cudaStream_t>(stream);
  with_type(h_type, [&](auto th) {
    with_type(u_type, [&](auto tu) {
      with_type(out_type, [&](auto to) {
        using TH = typename decltype(th)::type;
        using TU = typename decltype(tu)::type;
        using TO = typename decltype(to)::type;
        const Alpha a{alpha, alpha_stride, alpha_multiplier, alpha_absolute != 0 ? 1 : 0};
        if (cols <= kCachedCols)
          normalized_residual_forward_cached_kernel<TH, TU, TO><<<blocks_for_rows(rows), kThreads, 0, s>>>(
              static_cast<const TH*>(h), static_cast<const TU*>(u), a, static_cast<TO*>(out), norms, rows,
              static_cast<int>(cols));
        else
          normalized_residual_forward_kernel<TH, TU, TO><<<blocks_for_rows(rows), kThreads, 0, s>>>(
              static_cast<const TH*>(h), static_cast<const TU*>(u), a, static_cast<TO*>(out), norms, rows, cols);
      });
    });
  });
  return launched();
}

const char* normalized_residual_backward(const void* h, int32_t h_type, const void* u, int32_t u_type,
                                         const float* alpha, int32_t alpha_stride, float alpha_multiplier,
                                         int32_t alpha_absolute, const void* grad_out, int32_t grad_type,
                                         const float* norms, void* grad_h, void* grad_u, float* grad_alpha_rows,
                                         int64_t rows, int64_t cols, void* stream) {
  if (!known(h_type) || !known(u_type) || !known(grad_type)) return "unsupported element type";
  if (rows <= 0) return nullptr;
  if ((rows + kRowsPerBlock - 1) / kRowsPerBlock > 0x7fffffff) return "too many rows for one launch";
  const auto s = static_cast<cudaStream_t>(stream);
  with_type(h_type, [&](auto th) {
    with_type(u_type, [&](auto tu) {
      with_type(grad_type, [&](auto tg) {
        using TH = typename decltype(th)::type;
        using TU = typename decltype(tu)::type;
        using TG = typename decltype(tg)::type;
        const Alpha a{alpha, alpha_stride, alpha_multiplier, alpha_absolute != 0 ? 1 : 0};
        if (cols <= kCachedCols)
          normalized_residual_backward_cached_kernel<TH, TU, TG><<<blocks_for_rows(rows), kThreads, 0, s>>>(
              static_cast<const TH*>(h), static_cast<const TU*>(u), a, static_cast<const TG*>(grad_out), norms,
              static_cast<TH*>(grad_h), static_cast<TU*>(grad_u), grad_alpha_rows, rows, static_cast<int>(cols));
        else
          normalized_residual_backward_kernel<TH, TU, TG><<<blocks_for_rows(rows), kThreads, 0, s>>>(
              static_cast<const TH*>(h), static_cast<const TU*>(u), a, static_cast<const TG*>(grad_out), norms,
              static_cast<TH*>(grad_h), static_cast<TU*>(grad_u), grad_alpha_rows, rows, cols);
      });
    });
  });
  return launched();
}

const char* rotary_normalize_forward(const void* x, int32_t x_type, RotaryShape shape, const float* cos,
                                     const float* sin, const float* scale, float scale_multiplier, void* out,
                                     int32_t out_type, float* norms, void* stream) {
  if (!known(x_type) || !known(out_type)) return "unsupported element type";
  const int64_t rows = shape.batch * shape.heads * shape.time;
  if (rows <= 0 || shape.dim <= 0) return nullptr;
  if ((rows + kRowsPerBlock - 1) / kRowsPerBlock > 0x7fffffff) return "too many rows for one launch";
  const auto s = static_cast<cudaStream_t>(stream);
  with_type(x_type, [&](auto tx) {
    with_type(out_type, [&](auto to) {
      using TX = typename decltype(tx)::type;
      using TO = typename decltype(to)::type;
      if (shape.dim <= kPairedDim)
        rotary_normalize_forward_paired_kernel<TX, TO><<<paired_blocks(shape), kThreads, 0, s>>>(
            static_cast<const TX*>(x), shape, cos, sin, scale, scale_multiplier, static_cast<TO*>(out), norms);
      else
        rotary_normalize_forward_kernel<TX, TO><<<blocks_for_rows(rows), kThreads, 0, s>>>(
            static_cast<const TX*>(x), shape, cos, sin, scale, scale_multiplier, static_cast<TO*>(out), norms, rows);
    });
  });
  return launched();
}

const char* rotary_normalize_backward(const void* x, int32_t x_type, RotaryShape shape, const float* cos,
                                      const float* sin, const float* scale, float scale_multiplier,
                                      const void* grad_out, int32_t grad_type, const float* norms, void* grad_x,
                                      float* grad_scale_rows, void* stream) {
  if (!known(x_type) || !known(grad_type)) return "unsupported element type";
  const int64_t rows = shape.batch * shape.heads * shape.time;
  if (rows <= 0 || shape.dim <= 0) return nullptr;
  if ((rows + kRowsPerBlock - 1) / kRowsPerBlock > 0x7fffffff) return "too many rows for one launch";
  const auto s = static_cast<cudaStream_t>(stream);
  with_type(x_type, [&](auto tx) {
    with_type(grad_type, [&](auto tg) {
      using TX = typename decltype(tx)::type;
      using TG = typename decltype(tg)::type;
      if (shape.dim <= kPairedDim)
        rotary_normalize_backward_paired_kernel<TX, TG><<<paired_blocks(shape), kThreads, 0, s>>>(
            static_cast<const TX*>(x), shape, cos, sin, scale, scale_multiplier, static_cast<const TG*>(grad_out), norms,
            static_cast<TX*>(grad_x), grad_scale_rows);
      else
        rotary_normalize_backward_kernel<TX, TG><<<blocks_for_rows(rows), kThreads, 0, s>>>(
            static_cast<const TX*>(x), shape, cos, sin, scale, scale_multiplier, static_cast<const TG*>(grad_out), norms,
            static_cast<TX*>(grad_x), grad_scale_rows, rows);
    });
  });
  return launched();
}

const char* project_unit(const UnitMatrix* matrices, int32_t count, int32_t type, int32_t normalise, float* deviation_sum,
                         void* stream) {
  if (!known(type)) return "unsupported element type";
  if (count < 0 || count > kMaxUnitMatrices) return "too many matrices for one launch";
  UnitMatrixBatch batch{};
  for (int32_t i = 0; i < count; ++i) batch.matrices[i] = matrices[i];
  batch.count = count;
  if (const char* e = dt_unit_blocks::deal(matrices, count, kRowsPerBlock, kWarp, batch.first_block)) return e;
  const int32_t blocks = batch.first_block[count];
  if (blocks == 0) return nullptr;
  const auto s = static_cast<cudaStream_t>(stream);
  with_type(type, [&](auto tt) {
    using T = typename decltype(tt)::type;
    project_unit_kernel<T><<<static_cast<unsigned>(blocks), kThreads, 0, s>>>(batch, normalise, deviation_sum);
  });
  return launched();
}

const char* scaled_swiglu_forward(const void* uv, int32_t uv_type, const float* scale, float scale_multiplier,
                                  void* out, int32_t out_type, int64_t rows, int64_t f, void* stream) {
  if (!known(uv_type) || !known(out_type)) return "unsupported element type";
  if (rows <= 0 || f <= 0) return nullptr;
  const int64_t blocks = (rows * f + kGateThreads - 1) / kGateThreads;
  const auto s = static_cast<cudaStream_t>(stream);
  with_type(uv_type, [&](auto tuv) {
    with_type(out_type, [&](auto to) {
      using TUV = typename decltype(tuv)::type;
      using TO = typename decltype(to)::type;
      scaled_swiglu_forward_kernel<TUV, TO><<<static_cast<unsigned>(blocks < 65536 ? blocks : 65536), kGateThreads, 0, s>>>(
          static_cast<const TUV*>(uv), scale, scale_multiplier, static_cast<TO*>(out), rows, f);
    });
  });
  return launched();
}

const char* scaled_swiglu_backward(const void* uv, int32_t uv_type, const float* scale, float scale_multiplier,
                                   const void* grad_out, int32_t grad_type, void* grad_uv, float* grad_scale_chunks,
                                   int64_t rows, int64_t f, void* stream) {
  if (!known(uv_type) || !known(grad_type)) return "unsupported element type";
  if (rows <= 0 || f <= 0) return nullptr;
  const dim3 grid(static_cast<unsigned>((f + kGateThreads - 1) / kGateThreads), kGateRowChunks);
  const auto s = static_cast<cudaStream_t>(stream);
  with_type(uv_type, [&](auto tuv) {
    with_type(grad_type, [&](auto tg) {
      using TUV = typename decltype(tuv)::type;
      using TG = typename decltype(tg)::type;
      scaled_swiglu_backward_kernel<TUV, TG><<<grid, kGateThreads, 0, s>>>(
          static_cast<const TUV*>(uv), scale, scale_multiplier, static_cast<const TG*>(grad_out), static_cast<TUV*>(grad_uv),
          grad_scale_chunks, rows, f);
    });
  });
  return launched();
}

const char* cross_entropy_rows(void* logits, int32_t type, int64_t rows, int64_t ld, int64_t vocab,
                               const int64_t* targets, int64_t ignore_index, float* loss_rows, void* stream) {
  if (!known(type)) return "unsupported element type";
  if (ld % 8 != 0 || vocab > ld || vocab < 1) return "the row stride must be a multiple of 8 and hold the vocabulary";
  if (reinterpret_cast<uintptr_t>(logits) % 16 != 0) return "the logits must be 16-byte aligned";
  if (rows <= 0) return nullptr;
  if (rows > 0x7fffffff) return "too many rows for one launch";
  if (ld / 4 > 0x7fffffff) return "rows too long for one block";   // packs of 16 bytes, 4 float32 the fewest
  const auto s = static_cast<cudaStream_t>(stream);
  const char* error = nullptr;
  with_type(type, [&](auto tt) {
    using T = typename decltype(tt)::type;
    const auto kernel = cross_entropy_rows_kernel<T>;
    // The row cache: as much of the row as kCeCacheBytes holds (opted in once per element type; a failed opt-in
    // only means the uncached passes).
    static int opted_in_bytes = -1;
    if (opted_in_bytes < 0) {
      opted_in_bytes = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kCeCacheBytes) == cudaSuccess
                           ? kCeCacheBytes : 0;
      cudaGetLastError();   // a refused opt-in is not this launch's error
    }
    const int64_t cached_packs = std::min<int64_t>(ld / Pack<T>::kSize, opted_in_bytes / 16);
    kernel<<<static_cast<unsigned>(rows), kCeThreads, static_cast<size_t>(cached_packs) * 16, s>>>(
        static_cast<T*>(logits), ld, vocab, targets, ignore_index, loss_rows, static_cast<int32_t>(cached_packs));
    error = launched();
  });
  return error;
}

}  // namespace dt_fused
