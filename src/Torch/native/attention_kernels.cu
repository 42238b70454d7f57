// Causal float32 attention with one block per head (see attention_kernels.h). The block's 512 threads are two row
// groups g of a 16 × 16 grid (ty, tx). Of the T × T scores, a thread owns the rows {64g + 4ty + r} (r < 4) and the
// columns {4tx + s, 64 + 4tx + s} (s < 4): the low group's (low rows, high columns) are above the diagonal and never
// computed, the high group's (high rows, low columns) always below it, and the diagonal sub-blocks are needed only
// where tx ≤ ty. The interleaving keeps a quarter warp's 16-byte shared-memory loads on distinct banks. In the T × d
// products (out, ∂q, ∂k, ∂v) a thread owns the same rows and the columns {tx + 16s}, s < ⌈d/16⌉, and each sum runs
// only over the causal range of its rows. nGPT's seed shape has 128 heads, about one block per SM: the two groups give
// each SM sixteen warps to hide latency with.
#include "attention_kernels.h"

#ifdef DT_CUDA_EMULATION
// tests/Torch.Tests/native: the kernels compiled for the CPU, each CUDA thread a std::thread, to check their logic
// where there is no GPU (the launchers below are left out there).
#include "cuda_emulation.h"
#define DT_DYNAMIC_SHARED(type, name) type* name = dt_emulation::dynamic_shared<type>()
#else
#include <cuda_runtime.h>
#define DT_DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#endif
#include <math.h>
#include <stdint.h>

namespace dt_attention {
namespace {

constexpr int kThreads = 512;
constexpr int kLd = static_cast<int>(kMaxTime) + 4;   // row length of the (·, T) shared arrays: 16-byte rows

__device__ __forceinline__ int tile_index(int u, int r) { return (r < 4 ? 0 : 64) + 4 * u + (r & 3); }

// The row group of this thread (warp-uniform): rows 64g + 4ty + r, r < 4, are tile_index(ty, 4g + r).
__device__ __forceinline__ int row_group() { return threadIdx.x / 256; }

// A head operand as the kernels read it: by4 when its channels are contiguous, dim % 4 == 0 and every row starts on 16
// bytes, so that it is read four channels at a time.
struct HeadOperand {
  HeadTensor x;
  bool by4;
};

// Calls visit(t, c, x[b, h, t, c]) for t < time, c < dim (visit4(t, c4, the float4 of channels 4c4 … 4c4 + 3) where
// by4). Time runs along a warp's lanes (t = lane + 32k) and channels across the warps, so a warp's transposed stores
// to shared memory land on consecutive words; every load of a thread is issued before its first store (one block per
// SM cannot hide loads that wait for each other), and there is no division.
template <typename Visit, typename Visit4>
__device__ __forceinline__ void load_head(const HeadOperand& operand, int b, int h, int time, int dim, Visit visit,
                                          Visit4 visit4) {
  const HeadTensor& x = operand.x;
  const float* head = x.data + b * x.strides[0] + h * x.strides[1];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (operand.by4) {
    const int c4 = warp;   // dim ≤ 64: sixteen channel groups, one a warp
    float4 value[4];       // rows lane + 32k (T ≤ 128)
#pragma unroll
    for (int k = 0; k < 4; ++k) {
      const int t = lane + 32 * k;
      value[k] = 4 * c4 < dim && t < time ? __ldg(reinterpret_cast<const float4*>(head + t * x.strides[2] + 4 * c4))
                                          : make_float4(0.f, 0.f, 0.f, 0.f);
    }
#pragma unroll
    for (int k = 0; k < 4; ++k)
      if (4 * c4 < dim && lane + 32 * k < time) visit4(lane + 32 * k, c4, value[k]);
    return;
  }
  for (int c = warp; c < dim; c += kThreads / 32) {
    float value[4];
#pragma unroll
    for (int k = 0; k < 4; ++k) {
      const int t = lane + 32 * k;
      value[k] = t < time ? __ldg(head + t * x.strides[2] + c * x.strides[3]) : 0.f;
    }
#pragma unroll
    for (int k = 0; k < 4; ++k)
      if (lane + 32 * k < time) visit(lane + 32 * k, c, value[k]);
  }
}

// xt[c · kLd + t] = x[b, h, t, c] for t < time, c < dim (the head transposed, time along the rows).
__device__ void load_transposed(const HeadOperand& x, int b, int h, int time, int dim, float* xt) {
  load_head(x, b, h, time, dim, [&](int t, int c, float value) { xt[c * kLd + t] = value; },
            [&](int t, int c4, float4 value) {
              xt[(4 * c4) * kLd + t] = value.x;
              xt[(4 * c4 + 1) * kLd + t] = value.y;
              xt[(4 * c4 + 2) * kLd + t] = value.z;
              xt[(4 * c4 + 3) * kLd + t] = value.w;
            });
}

// The row length of v's rows in shared memory (forward): dim + 4, so that a quarter warp's 16-byte stores of eight
// consecutive rows fall on distinct banks.
__host__ __device__ __forceinline__ int row_ld(int dim) { return dim + 4; }

// acc[r][s] = Σ_c a[c][tile_index(ty, 4g + r)] · b[c][tile_index(tx, s)] over the sub-blocks that reach the causal half
// (the others stay 0); a, b: (dim, kLd) shared arrays.
__device__ __forceinline__ void causal_scores(const float* a, const float* b, int dim, int g, int ty, int tx,
                                              float acc[4][8]) {
#pragma unroll
  for (int r = 0; r < 4; ++r)
#pragma unroll
    for (int s = 0; s < 8; ++s) acc[r][s] = 0.f;
  const bool diagonal = tx <= ty;
  if (g == 0) {   // low rows: the (low, low) sub-block where tx ≤ ty
    if (!diagonal) return;
#pragma unroll 4
    for (int c = 0; c < dim; ++c) {
      const float4 a0 = *reinterpret_cast<const float4*>(a + c * kLd + 4 * ty);
      const float4 b0 = *reinterpret_cast<const float4*>(b + c * kLd + 4 * tx);
      const float av[4] = {a0.x, a0.y, a0.z, a0.w}, bv[4] = {b0.x, b0.y, b0.z, b0.w};
#pragma unroll
      for (int r = 0; r < 4; ++r)
#pragma unroll
        for (int s = 0; s < 4; ++s) acc[r][s] = fmaf(av[r], bv[s], acc[r][s]);
    }
    return;
  }
#pragma unroll 4
  for (int c = 0; c < dim; ++c) {   // high rows: (high, low) always, (high, high) where tx ≤ ty
    const float4 a1 = *reinterpret_cast<const float4*>(a + c * kLd + 64 + 4 * ty);
    const float4 b0 = *reinterpret_cast<const float4*>(b + c * kLd + 4 * tx);
    const float4 b1 = *reinterpret_cast<const float4*>(b + c * kLd + 64 + 4 * tx);
    const float av[4] = {a1.x, a1.y, a1.z, a1.w};
    const float bv[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
    for (int r = 0; r < 4; ++r)
#pragma unroll
      for (int s = 0; s < 4; ++s) acc[r][s] = fmaf(av[r], bv[s], acc[r][s]);
    if (diagonal) {
#pragma unroll
      for (int r = 0; r < 4; ++r)
#pragma unroll
        for (int s = 4; s < 8; ++s) acc[r][s] = fmaf(av[r], bv[s], acc[r][s]);
    }
  }
}

// Whether score (i, j) of this thread's row r < 4 and column s < 8 is in use: computed, causal, a row of the sequence.
__device__ __forceinline__ bool in_use(int g, int ty, int tx, int r, int s, int time) {
  const bool computed = g == 1 ? (s < 4 || tx <= ty) : (s < 4 && tx <= ty);
  const int i = tile_index(ty, 4 * g + r), j = tile_index(tx, s);
  return computed && j <= i && i < time;
}

// Sums over a row or column of 16 lanes (the threads of one ty in a warp).
__device__ __forceinline__ float max16(float x) {
  for (int offset = 8; offset > 0; offset /= 2) x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, offset));
  return x;
}
__device__ __forceinline__ float sum16(float x) {
  for (int offset = 8; offset > 0; offset /= 2) x += __shfl_xor_sync(0xffffffffu, x, offset);
  return x;
}

size_t forward_shared_bytes(int dim) {
  return sizeof(float) * (2 * dim * kLd + kMaxTime * row_ld(dim) + kMaxTime * kLd);
}
size_t backward_shared_bytes(int dim) {
  return sizeof(float) * (4 * dim * kLd + kMaxTime * kLd + 2 * kMaxTime);
}

template <int NS>
__global__ void __launch_bounds__(kThreads, 1)
forward_kernel(HeadOperand q, HeadOperand k, HeadOperand v, int heads, int time, int dim, float scale, float* __restrict__ out,
               float* __restrict__ lse) {
  DT_DYNAMIC_SHARED(float4, shared4);
  float* shared = reinterpret_cast<float*>(shared4);
  float* qt = shared;                    // (dim, kLd)
  float* kt = qt + dim * kLd;            // (dim, kLd)
  float* vs = kt + dim * kLd;            // (T, row_ld(dim))
  float* pt = vs + kMaxTime * row_ld(dim);   // (T, kLd): softmax probabilities transposed, pt[j · kLd + i] = P(i, j)
  const int b = blockIdx.x / heads, h = blockIdx.x % heads;
  const int g = row_group(), ty = (threadIdx.x % 256) / 16, tx = threadIdx.x % 16;
  const int row0 = 64 * g + 4 * ty;      // this thread's rows: row0 … row0 + 3

  load_transposed(q, b, h, time, dim, qt);
  load_transposed(k, b, h, time, dim, kt);
  const int ldv = row_ld(dim);
  load_head(v, b, h, time, dim, [&](int t, int c, float value) { vs[t * ldv + c] = value; },
            [&](int t, int c4, float4 value) { *reinterpret_cast<float4*>(vs + t * ldv + 4 * c4) = value; });
  __syncthreads();

  float acc[4][8];
  causal_scores(qt, kt, dim, g, ty, tx, acc);
#pragma unroll
  for (int r = 0; r < 4; ++r) {
    float m = -INFINITY;
#pragma unroll
    for (int s = 0; s < 8; ++s)
      if (in_use(g, ty, tx, r, s, time)) m = fmaxf(m, scale * acc[r][s]);
    m = max16(m);
    float l = 0.f;
#pragma unroll
    for (int s = 0; s < 8; ++s) {
      const float e = in_use(g, ty, tx, r, s, time) ? expf(scale * acc[r][s] - m) : 0.f;
      acc[r][s] = e;
      l += e;
    }
    l = sum16(l);
    const float inverse = l > 0.f ? 1.f / l : 0.f;   // 0 only in rows past the sequence
#pragma unroll
    for (int s = 0; s < 8; ++s) acc[r][s] *= inverse;
    if (tx == 0 && row0 + r < time) lse[static_cast<int64_t>(blockIdx.x) * time + row0 + r] = m + logf(l);
  }
#pragma unroll
  for (int s = 0; s < 8; ++s)
    *reinterpret_cast<float4*>(pt + tile_index(tx, s) * kLd + row0) = make_float4(acc[0][s], acc[1][s], acc[2][s], acc[3][s]);
  __syncthreads();

  // out(i, c) = Σ_{j ≤ i} P(i, j) v(j, c) for the rows row0 … row0 + 3: j < row0 + 4.
  float o[4][NS];
#pragma unroll
  for (int r = 0; r < 4; ++r)
#pragma unroll
    for (int s = 0; s < NS; ++s) o[r][s] = 0.f;
  const int end = min(row0 + 4, time);
#pragma unroll 2
  for (int j = 0; j < end; ++j) {
    const float4 p = *reinterpret_cast<const float4*>(pt + j * kLd + row0);
    const float pv[4] = {p.x, p.y, p.z, p.w};
    float vv[NS];
#pragma unroll
    for (int s = 0; s < NS; ++s) vv[s] = tx + 16 * s < dim ? vs[j * ldv + tx + 16 * s] : 0.f;
#pragma unroll
    for (int r = 0; r < 4; ++r)
#pragma unroll
      for (int s = 0; s < NS; ++s) o[r][s] = fmaf(pv[r], vv[s], o[r][s]);
  }
#pragma unroll
  for (int r = 0; r < 4; ++r) {
    const int i = row0 + r;
    if (i >= time) continue;
    float* row = out + ((static_cast<int64_t>(b) * time + i) * heads + h) * dim;
#pragma unroll
    for (int s = 0; s < NS; ++s)
      if (tx + 16 * s < dim) row[tx + 16 * s] = o[r][s];
  }
}

template <int NS>
__global__ void __launch_bounds__(kThreads, 1)
backward_kernel(HeadOperand q, HeadOperand k, HeadOperand v, HeadOperand grad_out, HeadOperand out,
                const float* __restrict__ lse, int heads, int time, int dim, float scale, float* __restrict__ grad_q,
                float* __restrict__ grad_k, float* __restrict__ grad_v) {
  DT_DYNAMIC_SHARED(float4, shared4);
  float* shared = reinterpret_cast<float*>(shared4);
  float* qt = shared;                    // (dim, kLd) each
  float* kt = qt + dim * kLd;
  float* vt = kt + dim * kLd;
  float* gt = vt + dim * kLd;            // ∂L/∂out transposed
  float* ps = gt + dim * kLd;            // (T, kLd): P(i, j) at ps[i · kLd + j], then ∂L/∂S there
  float* lse_s = ps + kMaxTime * kLd;    // (T)
  float* delta = lse_s + kMaxTime;       // (T): D_i = Σ_c ∂out(i, c) out(i, c)
  const int b = blockIdx.x / heads, h = blockIdx.x % heads;
  const int g = row_group(), ty = (threadIdx.x % 256) / 16, tx = threadIdx.x % 16;
  const int row0 = 64 * g + 4 * ty;      // this thread's rows (queries i, or keys j in ∂k and ∂v): row0 … row0 + 3
  const int64_t head_rows = static_cast<int64_t>(b) * time;   // the gradients' row of (b, t = 0), before the head offset

  for (int i = threadIdx.x; i < time; i += kThreads) {
    lse_s[i] = lse[static_cast<int64_t>(blockIdx.x) * time + i];
    delta[i] = 0.f;
  }
  load_transposed(q, b, h, time, dim, qt);
  load_transposed(k, b, h, time, dim, kt);
  load_transposed(v, b, h, time, dim, vt);
  load_transposed(grad_out, b, h, time, dim, gt);
  __syncthreads();
  // D_t = Σ_c ∂out(t, c) out(t, c): out read as the heads were, each part added to D_t in shared memory.
  load_head(out, b, h, time, dim, [&](int t, int c, float value) { atomicAdd(delta + t, value * gt[c * kLd + t]); },
            [&](int t, int c4, float4 value) {
              const float* gc = gt + (4 * c4) * kLd + t;
              atomicAdd(delta + t, value.x * gc[0] + value.y * gc[kLd] + value.z * gc[2 * kLd] + value.w * gc[3 * kLd]);
            });
  __syncthreads();

  // P(i, j) = exp(scale · q_i·k_j − lse_i) on the causal half (0 elsewhere).
  float acc[4][8];
  causal_scores(qt, kt, dim, g, ty, tx, acc);
#pragma unroll
  for (int r = 0; r < 4; ++r) {
    const int i = row0 + r;
    const float row_lse = i < time ? lse_s[i] : 0.f;
#pragma unroll
    for (int s = 0; s < 8; ++s) acc[r][s] = in_use(g, ty, tx, r, s, time) ? expf(scale * acc[r][s] - row_lse) : 0.f;
    *reinterpret_cast<float4*>(ps + i * kLd + 4 * tx) = make_float4(acc[r][0], acc[r][1], acc[r][2], acc[r][3]);
    *reinterpret_cast<float4*>(ps + i * kLd + 64 + 4 * tx) = make_float4(acc[r][4], acc[r][5], acc[r][6], acc[r][7]);
  }
  __syncthreads();

  float gr[4][NS];
  auto clear = [&] {
#pragma unroll
    for (int r = 0; r < 4; ++r)
#pragma unroll
      for (int s = 0; s < NS; ++s) gr[r][s] = 0.f;
  };
  auto store = [&](float* dst, float factor) {   // this thread's rows into dst (B, T, H, d)
#pragma unroll
    for (int r = 0; r < 4; ++r) {
      const int i = row0 + r;
      if (i >= time) continue;
      float* row = dst + ((head_rows + i) * heads + h) * dim;
#pragma unroll
      for (int s = 0; s < NS; ++s)
        if (tx + 16 * s < dim) row[tx + 16 * s] = factor * gr[r][s];
    }
  };
  // gr[r][s] += mv[r] x(t, tx + 16 s): one term of a product with x transposed in xt (channel-major, time along rows).
  auto add_outer = [&](const float (&mv)[4], const float* xt, int t) {
    float xv[NS];
#pragma unroll
    for (int s = 0; s < NS; ++s) xv[s] = tx + 16 * s < dim ? xt[(tx + 16 * s) * kLd + t] : 0.f;
#pragma unroll
    for (int r = 0; r < 4; ++r)
#pragma unroll
      for (int s = 0; s < NS; ++s) gr[r][s] = fmaf(mv[r], xv[s], gr[r][s]);
  };
  // Σ_{i ≥ j} m(i, j) x(i, c) for the thread's rows j, m in ps (row-major; 0 where i < j), x transposed in xt.
  auto sum_over_later_rows = [&](const float* xt) {
    clear();
#pragma unroll 2
    for (int i = row0; i < time; ++i) {
      const float4 m = *reinterpret_cast<const float4*>(ps + i * kLd + row0);
      const float mv[4] = {m.x, m.y, m.z, m.w};
      add_outer(mv, xt, i);
    }
  };

  // ∂v(j, c) = Σ_{i ≥ j} P(i, j) ∂out(i, c)
  sum_over_later_rows(gt);
  store(grad_v, 1.f);

  // ∂S(i, j) = P(i, j) (∂out_i·v_j − D_i), in place of P (each thread rewrites the entries it wrote).
  causal_scores(gt, vt, dim, g, ty, tx, acc);
  __syncthreads();   // every read of P above is done
#pragma unroll
  for (int r = 0; r < 4; ++r) {
    const int i = row0 + r;
    const float d = i < time ? delta[i] : 0.f;
    float* row = ps + i * kLd;
    const float4 p0 = *reinterpret_cast<const float4*>(row + 4 * tx);
    const float4 p1 = *reinterpret_cast<const float4*>(row + 64 + 4 * tx);
    const float pv[8] = {p0.x, p0.y, p0.z, p0.w, p1.x, p1.y, p1.z, p1.w};
#pragma unroll
    for (int s = 0; s < 8; ++s) acc[r][s] = in_use(g, ty, tx, r, s, time) ? pv[s] * (acc[r][s] - d) : 0.f;
    *reinterpret_cast<float4*>(row + 4 * tx) = make_float4(acc[r][0], acc[r][1], acc[r][2], acc[r][3]);
    *reinterpret_cast<float4*>(row + 64 + 4 * tx) = make_float4(acc[r][4], acc[r][5], acc[r][6], acc[r][7]);
  }
  __syncthreads();

  // ∂k(j, c) = scale Σ_{i ≥ j} ∂S(i, j) q(i, c)
  sum_over_later_rows(qt);
  store(grad_k, scale);

  // ∂q(i, c) = scale Σ_{j ≤ i} ∂S(i, j) k(j, c): j < row0 + 4.
  clear();
  const int end = min(row0 + 4, time);
#pragma unroll 2
  for (int j = 0; j < end; ++j) {
    float mv[4];
#pragma unroll
    for (int r = 0; r < 4; ++r) mv[r] = ps[(row0 + r) * kLd + j];
    add_outer(mv, kt, j);
  }
  store(grad_q, scale);
}

#ifndef DT_CUDA_EMULATION

const char* launched() {
  const cudaError_t e = cudaGetLastError();
  return e == cudaSuccess ? nullptr : cudaGetErrorString(e);
}

const char* check_shape(int64_t batch, int64_t heads, int64_t time, int64_t dim) {
  if (time < 1 || time > kMaxTime) return "the sequence must have 1 to 128 steps";
  if (dim < 1 || dim > kMaxDim) return "the head size must be 1 to 64";
  if (batch < 1 || heads < 1 || batch * heads > 0x7fffffff) return "batch × heads must be 1 to 2^31 − 1";
  return nullptr;
}

// Opts a kernel in to the shared memory it needs beyond the default 48 KB (for the largest head size, once per kernel
// and process: outside any graph capture, since a step runs eagerly before it is captured).
template <typename Kernel>
const char* allow_shared(Kernel kernel, size_t bytes, bool& allowed) {
  if (allowed) return nullptr;
  const cudaError_t e = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes));
  if (e != cudaSuccess) return cudaGetErrorString(e);
  allowed = true;
  return nullptr;
}

// by4 where the channels are contiguous, dim % 4 == 0 and every row of every head starts on 16 bytes.
HeadOperand operand(HeadTensor x, int64_t dim) {
  const bool by4 = dim % 4 == 0 && x.strides[3] == 1 && x.strides[0] % 4 == 0 && x.strides[1] % 4 == 0 &&
                   x.strides[2] % 4 == 0 && reinterpret_cast<uintptr_t>(x.data) % 16 == 0;
  return {x, by4};
}

template <int NS>
const char* forward_with(HeadTensor q, HeadTensor k, HeadTensor v, int64_t batch, int64_t heads, int64_t time,
                         int64_t dim, float scale, float* out, float* lse, cudaStream_t stream) {
  const size_t bytes = forward_shared_bytes(static_cast<int>(dim));
  static bool allowed = false;
  if (const char* e = allow_shared(forward_kernel<NS>, forward_shared_bytes(static_cast<int>(kMaxDim)), allowed)) return e;
  forward_kernel<NS><<<static_cast<unsigned>(batch * heads), kThreads, bytes, stream>>>(
      operand(q, dim), operand(k, dim), operand(v, dim), static_cast<int>(heads), static_cast<int>(time),
      static_cast<int>(dim), scale, out, lse);
  return launched();
}

template <int NS>
const char* backward_with(HeadTensor q, HeadTensor k, HeadTensor v, HeadTensor grad_out, const float* out,
                          const float* lse, int64_t batch, int64_t heads, int64_t time, int64_t dim, float scale,
                          float* grad_q, float* grad_k, float* grad_v, cudaStream_t stream) {
  const size_t bytes = backward_shared_bytes(static_cast<int>(dim));
  static bool allowed = false;
  if (const char* e = allow_shared(backward_kernel<NS>, backward_shared_bytes(static_cast<int>(kMaxDim)), allowed)) return e;
  const HeadTensor out_head{out, {time * heads * dim, dim, heads * dim, 1}};   // contiguous (B, T, H, d)
  backward_kernel<NS><<<static_cast<unsigned>(batch * heads), kThreads, bytes, stream>>>(
      operand(q, dim), operand(k, dim), operand(v, dim), operand(grad_out, dim), operand(out_head, dim), lse,
      static_cast<int>(heads), static_cast<int>(time), static_cast<int>(dim), scale, grad_q, grad_k, grad_v);
  return launched();
}

#endif  // !DT_CUDA_EMULATION

}  // namespace

#ifndef DT_CUDA_EMULATION

const char* causal_attention_forward(HeadTensor q, HeadTensor k, HeadTensor v, int64_t batch, int64_t heads,
                                     int64_t time, int64_t dim, float scale, float* out, float* lse, void* stream) {
  if (const char* e = check_shape(batch, heads, time, dim)) return e;
  const auto s = static_cast<cudaStream_t>(stream);
  switch ((dim + 15) / 16) {
    case 1: return forward_with<1>(q, k, v, batch, heads, time, dim, scale, out, lse, s);
    case 2: return forward_with<2>(q, k, v, batch, heads, time, dim, scale, out, lse, s);
    case 3: return forward_with<3>(q, k, v, batch, heads, time, dim, scale, out, lse, s);
    default: return forward_with<4>(q, k, v, batch, heads, time, dim, scale, out, lse, s);
  }
}

const char* causal_attention_backward(HeadTensor q, HeadTensor k, HeadTensor v, HeadTensor grad_out, const float* out,
                                      const float* lse, int64_t batch, int64_t heads, int64_t time, int64_t dim,
                                      float scale, float* grad_q, float* grad_k, float* grad_v, void* stream) {
  if (const char* e = check_shape(batch, heads, time, dim)) return e;
  const auto s = static_cast<cudaStream_t>(stream);
  switch ((dim + 15) / 16) {
    case 1: return backward_with<1>(q, k, v, grad_out, out, lse, batch, heads, time, dim, scale, grad_q, grad_k, grad_v, s);
    case 2: return backward_with<2>(q, k, v, grad_out, out, lse, batch, heads, time, dim, scale, grad_q, grad_k, grad_v, s);
    case 3: return backward_with<3>(q, k, v, grad_out, out, lse, batch, heads, time, dim, scale, grad_q, grad_k, grad_v, s);
    default: return backward_with<4>(q, k, v, grad_out, out, lse, batch, heads, time, dim, scale, grad_q, grad_k, grad_v, s);
  }
}

#endif  // !DT_CUDA_EMULATION

}  // namespace dt_attention
