// Causal float32 attention with one block per head (see attention_kernels.h). The block's 256 threads form a 16 × 16
// grid (ty, tx). In the T × T score products a thread owns rows {4ty + r, 64 + 4ty + r} and columns {4tx + s, 64 + 4tx + s}
// (r, s < 4): four 4 × 4 sub-blocks, of which (low rows, high columns) is always above the diagonal and never computed,
// (high, low) always below it, and the two diagonal ones needed only where tx ≤ ty. The interleaving keeps a quarter
// warp's 16-byte shared-memory loads on distinct banks. In the T × d products (out, ∂q, ∂k, ∂v) a thread owns the
// same rows and the columns {tx + 16s}, s < ⌈d/16⌉, and each sum runs only over the causal range of its rows.
#include "attention_kernels.h"

#include <cuda_runtime.h>
#include <math.h>

namespace dt_attention {
namespace {

constexpr int kThreads = 256;
constexpr int kLd = static_cast<int>(kMaxTime) + 4;   // row length of the (·, T) shared arrays: 16-byte rows

__device__ __forceinline__ int tile_index(int u, int r) { return (r < 4 ? 0 : 64) + 4 * u + (r & 3); }

__device__ __forceinline__ float element(const HeadTensor& x, int b, int h, int t, int c) {
  return x.data[b * x.strides[0] + h * x.strides[1] + t * x.strides[2] + c * x.strides[3]];
}

// xt[c · kLd + t] = x[b, h, t, c] for t < time, c < dim (the head transposed, time along the rows).
__device__ void load_transposed(const HeadTensor& x, int b, int h, int time, int dim, float* xt) {
  for (int i = threadIdx.x; i < time * dim; i += kThreads) {
    const int t = i / dim, c = i % dim;
    xt[c * kLd + t] = element(x, b, h, t, c);
  }
}

// acc[r][s] = Σ_c a[c][row(ty, r)] · b[c][col(tx, s)] over the sub-blocks that reach the causal half (the others are
// left as they were); a, b: (dim, kLd) shared arrays.
__device__ __forceinline__ void causal_scores(const float* a, const float* b, int dim, int ty, int tx, float acc[8][8]) {
#pragma unroll
  for (int r = 0; r < 8; ++r)
#pragma unroll
    for (int s = 0; s < 8; ++s) acc[r][s] = 0.f;
  const bool diagonal = tx <= ty;
#pragma unroll 4
  for (int c = 0; c < dim; ++c) {
    const float4 a0 = *reinterpret_cast<const float4*>(a + c * kLd + 4 * ty);
    const float4 a1 = *reinterpret_cast<const float4*>(a + c * kLd + 64 + 4 * ty);
    const float4 b0 = *reinterpret_cast<const float4*>(b + c * kLd + 4 * tx);
    const float4 b1 = *reinterpret_cast<const float4*>(b + c * kLd + 64 + 4 * tx);
    const float av[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
    const float bv[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
    for (int r = 4; r < 8; ++r)
#pragma unroll
      for (int s = 0; s < 4; ++s) acc[r][s] = fmaf(av[r], bv[s], acc[r][s]);
    if (diagonal) {
#pragma unroll
      for (int r = 0; r < 4; ++r)
#pragma unroll
        for (int s = 0; s < 4; ++s) {
          acc[r][s] = fmaf(av[r], bv[s], acc[r][s]);
          acc[r + 4][s + 4] = fmaf(av[r + 4], bv[s + 4], acc[r + 4][s + 4]);
        }
    }
  }
}

// Whether score (i, j) is in use: computed by its thread, causal, and a row of the sequence.
__device__ __forceinline__ bool in_use(int ty, int tx, int r, int s, int time) {
  const bool computed = (r >= 4 && s < 4) || ((r < 4) == (s < 4) && tx <= ty);
  const int i = tile_index(ty, r), j = tile_index(tx, s);
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
  return sizeof(float) * (2 * dim * kLd + kMaxTime * dim + kMaxTime * kLd);
}
size_t backward_shared_bytes(int dim) {
  return sizeof(float) * (4 * dim * kLd + kMaxTime * kLd + 2 * kMaxTime);
}

template <int NS>
__global__ void __launch_bounds__(kThreads, 1)
forward_kernel(HeadTensor q, HeadTensor k, HeadTensor v, int heads, int time, int dim, float scale, float* __restrict__ out,
               float* __restrict__ lse) {
  extern __shared__ float4 shared4[];
  float* shared = reinterpret_cast<float*>(shared4);
  float* qt = shared;                    // (dim, kLd)
  float* kt = qt + dim * kLd;            // (dim, kLd)
  float* vs = kt + dim * kLd;            // (T, dim)
  float* pt = vs + kMaxTime * dim;       // (T, kLd): softmax probabilities transposed, pt[j · kLd + i] = P(i, j)
  const int b = blockIdx.x / heads, h = blockIdx.x % heads;
  const int ty = threadIdx.x / 16, tx = threadIdx.x % 16;

  load_transposed(q, b, h, time, dim, qt);
  load_transposed(k, b, h, time, dim, kt);
  for (int i = threadIdx.x; i < time * dim; i += kThreads) vs[i] = element(v, b, h, i / dim, i % dim);
  __syncthreads();

  float acc[8][8];
  causal_scores(qt, kt, dim, ty, tx, acc);
#pragma unroll
  for (int r = 0; r < 8; ++r) {
    float m = -INFINITY;
#pragma unroll
    for (int s = 0; s < 8; ++s)
      if (in_use(ty, tx, r, s, time)) m = fmaxf(m, scale * acc[r][s]);
    m = max16(m);
    float l = 0.f;
#pragma unroll
    for (int s = 0; s < 8; ++s) {
      const float e = in_use(ty, tx, r, s, time) ? expf(scale * acc[r][s] - m) : 0.f;
      acc[r][s] = e;
      l += e;
    }
    l = sum16(l);
    const float inverse = l > 0.f ? 1.f / l : 0.f;   // 0 only in rows past the sequence
#pragma unroll
    for (int s = 0; s < 8; ++s) acc[r][s] *= inverse;
    const int i = tile_index(ty, r);
    if (tx == 0 && i < time) lse[static_cast<int64_t>(blockIdx.x) * time + i] = m + logf(l);
  }
#pragma unroll
  for (int s = 0; s < 8; ++s) {
    const int j = tile_index(tx, s);
    *reinterpret_cast<float4*>(pt + j * kLd + 4 * ty) = make_float4(acc[0][s], acc[1][s], acc[2][s], acc[3][s]);
    *reinterpret_cast<float4*>(pt + j * kLd + 64 + 4 * ty) = make_float4(acc[4][s], acc[5][s], acc[6][s], acc[7][s]);
  }
  __syncthreads();

  // out(i, c) = Σ_{j ≤ i} P(i, j) v(j, c): the low rows need j < 4ty + 4, the high ones j < 64 + 4ty + 4.
  float o[8][NS];
#pragma unroll
  for (int r = 0; r < 8; ++r)
#pragma unroll
    for (int s = 0; s < NS; ++s) o[r][s] = 0.f;
  const int low_end = min(4 * ty + 4, time), high_end = min(64 + 4 * ty + 4, time);
  for (int j = 0; j < high_end; ++j) {
    const float4 p0 = *reinterpret_cast<const float4*>(pt + j * kLd + 4 * ty);
    const float4 p1 = *reinterpret_cast<const float4*>(pt + j * kLd + 64 + 4 * ty);
    const float pv[8] = {p0.x, p0.y, p0.z, p0.w, p1.x, p1.y, p1.z, p1.w};
    float vv[NS];
#pragma unroll
    for (int s = 0; s < NS; ++s) vv[s] = tx + 16 * s < dim ? vs[j * dim + tx + 16 * s] : 0.f;
    if (j < low_end) {
#pragma unroll
      for (int r = 0; r < 4; ++r)
#pragma unroll
        for (int s = 0; s < NS; ++s) o[r][s] = fmaf(pv[r], vv[s], o[r][s]);
    }
#pragma unroll
    for (int r = 4; r < 8; ++r)
#pragma unroll
      for (int s = 0; s < NS; ++s) o[r][s] = fmaf(pv[r], vv[s], o[r][s]);
  }
#pragma unroll
  for (int r = 0; r < 8; ++r) {
    const int i = tile_index(ty, r);
    if (i >= time) continue;
    float* row = out + ((static_cast<int64_t>(b) * time + i) * heads + h) * dim;
#pragma unroll
    for (int s = 0; s < NS; ++s)
      if (tx + 16 * s < dim) row[tx + 16 * s] = o[r][s];
  }
}

template <int NS>
__global__ void __launch_bounds__(kThreads, 1)
backward_kernel(HeadTensor q, HeadTensor k, HeadTensor v, HeadTensor grad_out, const float* __restrict__ out,
                const float* __restrict__ lse, int heads, int time, int dim, float scale, float* __restrict__ grad_q,
                float* __restrict__ grad_k, float* __restrict__ grad_v) {
  extern __shared__ float4 shared4[];
  float* shared = reinterpret_cast<float*>(shared4);
  float* qt = shared;                    // (dim, kLd) each
  float* kt = qt + dim * kLd;
  float* vt = kt + dim * kLd;
  float* gt = vt + dim * kLd;            // ∂L/∂out transposed
  float* ps = gt + dim * kLd;            // (T, kLd): P(i, j) at ps[i · kLd + j], then ∂L/∂S there; first out's rows
  float* lse_s = ps + kMaxTime * kLd;    // (T)
  float* delta = lse_s + kMaxTime;       // (T): D_i = Σ_c ∂out(i, c) out(i, c)
  const int b = blockIdx.x / heads, h = blockIdx.x % heads;
  const int ty = threadIdx.x / 16, tx = threadIdx.x % 16;
  const int64_t head_rows = static_cast<int64_t>(b) * time;   // out's row of (b, t = 0), before the head offset

  load_transposed(q, b, h, time, dim, qt);
  load_transposed(k, b, h, time, dim, kt);
  load_transposed(v, b, h, time, dim, vt);
  load_transposed(grad_out, b, h, time, dim, gt);
  for (int i = threadIdx.x; i < time * dim; i += kThreads) {   // out's rows, staged at a stride of dim + 1
    const int t = i / dim, c = i % dim;
    ps[t * (dim + 1) + c] = out[((head_rows + t) * heads + h) * dim + c];
  }
  for (int i = threadIdx.x; i < time; i += kThreads) lse_s[i] = lse[static_cast<int64_t>(blockIdx.x) * time + i];
  __syncthreads();
  for (int i = threadIdx.x; i < time; i += kThreads) {
    float d = 0.f;
    for (int c = 0; c < dim; ++c) d = fmaf(gt[c * kLd + i], ps[i * (dim + 1) + c], d);
    delta[i] = d;
  }
  __syncthreads();

  // P(i, j) = exp(scale · q_i·k_j − lse_i) on the causal half.
  float acc[8][8];
  causal_scores(qt, kt, dim, ty, tx, acc);
#pragma unroll
  for (int r = 0; r < 8; ++r) {
    const int i = tile_index(ty, r);
    const float row_lse = i < time ? lse_s[i] : 0.f;
#pragma unroll
    for (int s = 0; s < 8; ++s) acc[r][s] = in_use(ty, tx, r, s, time) ? expf(scale * acc[r][s] - row_lse) : 0.f;
    *reinterpret_cast<float4*>(ps + i * kLd + 4 * tx) = make_float4(acc[r][0], acc[r][1], acc[r][2], acc[r][3]);
    *reinterpret_cast<float4*>(ps + i * kLd + 64 + 4 * tx) = make_float4(acc[r][4], acc[r][5], acc[r][6], acc[r][7]);
  }
  __syncthreads();

  float g[8][NS];
  auto clear = [&] {
#pragma unroll
    for (int r = 0; r < 8; ++r)
#pragma unroll
      for (int s = 0; s < NS; ++s) g[r][s] = 0.f;
  };
  auto store = [&](float* dst, float factor) {   // rows of this thread's tile into dst (B, T, H, d)
#pragma unroll
    for (int r = 0; r < 8; ++r) {
      const int i = tile_index(ty, r);
      if (i >= time) continue;
      float* row = dst + ((head_rows + i) * heads + h) * dim;
#pragma unroll
      for (int s = 0; s < NS; ++s)
        if (tx + 16 * s < dim) row[tx + 16 * s] = factor * g[r][s];
    }
  };
  // Σ_{i ≥ j} m(i, j) x(i, c) for the thread's rows j, m in ps (row-major), x transposed in xt: the low rows j need
  // i ≥ 4ty, the high ones i ≥ 64 + 4ty.
  auto sum_over_later_rows = [&](const float* xt) {
    clear();
    for (int i = 4 * ty; i < time; ++i) {
      const float4 m0 = *reinterpret_cast<const float4*>(ps + i * kLd + 4 * ty);
      const float4 m1 = *reinterpret_cast<const float4*>(ps + i * kLd + 64 + 4 * ty);
      const float mv[8] = {m0.x, m0.y, m0.z, m0.w, m1.x, m1.y, m1.z, m1.w};
      float xv[NS];
#pragma unroll
      for (int s = 0; s < NS; ++s) xv[s] = tx + 16 * s < dim ? xt[(tx + 16 * s) * kLd + i] : 0.f;
#pragma unroll
      for (int r = 0; r < 4; ++r)
#pragma unroll
        for (int s = 0; s < NS; ++s) g[r][s] = fmaf(mv[r], xv[s], g[r][s]);
      if (i >= 64 + 4 * ty) {
#pragma unroll
        for (int r = 4; r < 8; ++r)
#pragma unroll
          for (int s = 0; s < NS; ++s) g[r][s] = fmaf(mv[r], xv[s], g[r][s]);
      }
    }
  };

  // ∂v(j, c) = Σ_{i ≥ j} P(i, j) ∂out(i, c)
  sum_over_later_rows(gt);
  store(grad_v, 1.f);

  // ∂S(i, j) = P(i, j) (∂out_i·v_j − D_i), in place of P (each thread rewrites the entries it wrote).
  causal_scores(gt, vt, dim, ty, tx, acc);
  __syncthreads();   // every read of P above is done
#pragma unroll
  for (int r = 0; r < 8; ++r) {
    const int i = tile_index(ty, r);
    const float d = i < time ? delta[i] : 0.f;
    float* row = ps + i * kLd;
    const float4 p0 = *reinterpret_cast<const float4*>(row + 4 * tx);
    const float4 p1 = *reinterpret_cast<const float4*>(row + 64 + 4 * tx);
    const float pv[8] = {p0.x, p0.y, p0.z, p0.w, p1.x, p1.y, p1.z, p1.w};
#pragma unroll
    for (int s = 0; s < 8; ++s) acc[r][s] = in_use(ty, tx, r, s, time) ? pv[s] * (acc[r][s] - d) : 0.f;
    *reinterpret_cast<float4*>(row + 4 * tx) = make_float4(acc[r][0], acc[r][1], acc[r][2], acc[r][3]);
    *reinterpret_cast<float4*>(row + 64 + 4 * tx) = make_float4(acc[r][4], acc[r][5], acc[r][6], acc[r][7]);
  }
  __syncthreads();

  // ∂k(j, c) = scale Σ_{i ≥ j} ∂S(i, j) q(i, c)
  sum_over_later_rows(qt);
  store(grad_k, scale);

  // ∂q(i, c) = scale Σ_{j ≤ i} ∂S(i, j) k(j, c): the low rows need j < 4ty + 4, the high ones j < 64 + 4ty + 4.
  clear();
  const int low_end = min(4 * ty + 4, time), high_end = min(64 + 4 * ty + 4, time);
  for (int j = 0; j < high_end; ++j) {
    float mv[8];
#pragma unroll
    for (int r = 0; r < 8; ++r) mv[r] = ps[tile_index(ty, r) * kLd + j];
    float kv[NS];
#pragma unroll
    for (int s = 0; s < NS; ++s) kv[s] = tx + 16 * s < dim ? kt[(tx + 16 * s) * kLd + j] : 0.f;
    if (j < low_end) {
#pragma unroll
      for (int r = 0; r < 4; ++r)
#pragma unroll
        for (int s = 0; s < NS; ++s) g[r][s] = fmaf(mv[r], kv[s], g[r][s]);
    }
#pragma unroll
    for (int r = 4; r < 8; ++r)
#pragma unroll
      for (int s = 0; s < NS; ++s) g[r][s] = fmaf(mv[r], kv[s], g[r][s]);
  }
  store(grad_q, scale);
}

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

template <int NS>
const char* forward_with(HeadTensor q, HeadTensor k, HeadTensor v, int64_t batch, int64_t heads, int64_t time,
                         int64_t dim, float scale, float* out, float* lse, cudaStream_t stream) {
  const size_t bytes = forward_shared_bytes(static_cast<int>(dim));
  static bool allowed = false;
  if (const char* e = allow_shared(forward_kernel<NS>, forward_shared_bytes(static_cast<int>(kMaxDim)), allowed)) return e;
  forward_kernel<NS><<<static_cast<unsigned>(batch * heads), kThreads, bytes, stream>>>(
      q, k, v, static_cast<int>(heads), static_cast<int>(time), static_cast<int>(dim), scale, out, lse);
  return launched();
}

template <int NS>
const char* backward_with(HeadTensor q, HeadTensor k, HeadTensor v, HeadTensor grad_out, const float* out,
                          const float* lse, int64_t batch, int64_t heads, int64_t time, int64_t dim, float scale,
                          float* grad_q, float* grad_k, float* grad_v, cudaStream_t stream) {
  const size_t bytes = backward_shared_bytes(static_cast<int>(dim));
  static bool allowed = false;
  if (const char* e = allow_shared(backward_kernel<NS>, backward_shared_bytes(static_cast<int>(kMaxDim)), allowed)) return e;
  backward_kernel<NS><<<static_cast<unsigned>(batch * heads), kThreads, bytes, stream>>>(
      q, k, v, grad_out, out, lse, static_cast<int>(heads), static_cast<int>(time), static_cast<int>(dim), scale,
      grad_q, grad_k, grad_v);
  return launched();
}

}  // namespace

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

}  // namespace dt_attention
