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

// out = m/‖m‖, m = a + α(b − a), a = h/‖h‖, b = u/‖u‖ (no epsilon: the reference has none).
template <typename TH, typename TU, typename TO>
__global__ void __launch_bounds__(kThreads)
normalized_residual_forward_kernel(const TH* __restrict__ h, const TU* __restrict__ u, const float* __restrict__ alpha,
                                   int alpha_stride, TO* __restrict__ out, float* __restrict__ norms, int64_t rows,
                                   int64_t cols) {
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
    const float m = a + alpha[c * alpha_stride] * (b - a);
    mm += m * m;
  }
  const float nm = sqrtf(warp_sum(mm));

  for (int64_t c = lane; c < cols; c += kWarp) {
    const float a = load(hr, c) / nh, b = load(ur, c) / nu;
    const float m = a + alpha[c * alpha_stride] * (b - a);
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
//   ∂L/∂a = (1 − α) ∂L/∂m,   ∂L/∂b = α ∂L/∂m,   ∂L/∂α = Σ_rows (b − a) ∂L/∂m
//   ∂L/∂h = (∂L/∂a − a (a·∂L/∂a)) / ‖h‖,   ∂L/∂u = (∂L/∂b − b (b·∂L/∂b)) / ‖u‖
// ∂L/∂α is written per row (per element for a vector α), summed over rows by the caller: no atomics, so the
// result does not depend on the order blocks run in.
template <typename TH, typename TU, typename TG>
__global__ void __launch_bounds__(kThreads)
normalized_residual_backward_kernel(const TH* __restrict__ h, const TU* __restrict__ u,
                                    const float* __restrict__ alpha, int alpha_stride, const TG* __restrict__ g,
                                    const float* __restrict__ norms, TH* __restrict__ grad_h,
                                    TU* __restrict__ grad_u, float* __restrict__ grad_alpha_rows, int64_t rows,
                                    int64_t cols) {
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
    const float m = a + alpha[c * alpha_stride] * (b - a);
    yg += (m / nm) * load(gr, c);
  }
  yg = warp_sum(yg);

  float aga = 0.f, bgb = 0.f, galpha = 0.f;
  for (int64_t c = lane; c < cols; c += kWarp) {
    const float a = load(hr, c) / nh, b = load(ur, c) / nu, al = alpha[c * alpha_stride];
    const float m = a + al * (b - a);
    const float gm = (load(gr, c) - (m / nm) * yg) / nm;
    aga += a * ((1.f - al) * gm);
    bgb += b * (al * gm);
    if (alpha_stride != 0) grad_alpha_rows[row * cols + c] = (b - a) * gm;
    else galpha += (b - a) * gm;
  }
  aga = warp_sum(aga);
  bgb = warp_sum(bgb);
  if (alpha_stride == 0) {
    galpha = warp_sum(galpha);
    if (lane == 0) grad_alpha_rows[row] = galpha;
  }

  TH* ghr = grad_h + row * cols;
  TU* gur = grad_u + row * cols;
  for (int64_t c = lane; c < cols; c += kWarp) {
    const float a = load(hr, c) / nh, b = load(ur, c) / nu, al = alpha[c * alpha_stride];
    const float m = a + al * (b - a);
    const float gm = (load(gr, c) - (m / nm) * yg) / nm;
    store(ghr, c, ((1.f - al) * gm - a * aga) / nh);
    store(gur, c, (al * gm - b * bgb) / nu);
  }
}

// ---------------------------------------------------------------- rotary + q/k normalisation

// Where row `row` (= ((b·H + h)·T + t)) of x starts, and its position t and head h.
struct RotaryRow {
  int64_t x_offset, t, h;
};

__device__ __forceinline__ RotaryRow rotary_row(const RotaryShape& s, int64_t row) {
  const int64_t t = row % s.time, h = (row / s.time) % s.heads, b = row / (s.time * s.heads);
  return {b * s.x_strides[0] + h * s.x_strides[1] + t * s.x_strides[2], t, h};
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
                                const float* __restrict__ sin, const float* __restrict__ scale, TO* __restrict__ out,
                                float* __restrict__ norms, int64_t rows) {
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
  for (int64_t i = lane; i < d; i += kWarp) store(outr, i, scr[i] * (rotated(xr, stride, cr, sr, i, half) / n));
  if (lane == 0) norms[row] = n;
}

// With z = r/‖r‖ and g = ∂L/∂out:  ∂L/∂scale = Σ_{b,t} g ⊙ z;  ∂L/∂z = scale ⊙ g;
// ∂L/∂r = (∂L/∂z − z (z·∂L/∂z)) / ‖r‖;  ∂L/∂x = Rᵀ ∂L/∂r, the rotation back:
//   first half:  ∂x_i = ∂r_i cos_i + ∂r_{i+d/2} sin_{i+d/2};  second half: ∂x_i = −∂r_{i−d/2} sin_{i−d/2} + ∂r_i cos_i
template <typename TX, typename TG>
__global__ void __launch_bounds__(kThreads)
rotary_normalize_backward_kernel(const TX* __restrict__ x, RotaryShape shape, const float* __restrict__ cos,
                                 const float* __restrict__ sin, const float* __restrict__ scale,
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
    zgz += z * (scr[i] * gi);
    grad_scale_rows[row * d + i] = gi * z;
  }
  zgz = warp_sum(zgz);

  // ∂L/∂r_j for any j of the row, from what every lane can read.
  auto grad_r = [&](int64_t j) {
    const float z = rotated(xr, stride, cr, sr, j, half) / n;
    return (scr[j] * load(gr, j) - z * zgz) / n;
  };
  TX* gxr = grad_x + at.x_offset;
  for (int64_t i = lane; i < d; i += kWarp) {
    const float gx = i < half ? grad_r(i) * cr[i] + grad_r(i + half) * sr[i + half]
                              : -grad_r(i - half) * sr[i - half] + grad_r(i) * cr[i];
    store(gxr, i * stride, gx);
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
__global__ void __launch_bounds__(kThreads) project_unit_kernel(const UnitMatrixBatch batch) {
  int k = 0;
  while (k + 1 < batch.count && static_cast<int32_t>(blockIdx.x) >= batch.first_block[k + 1]) ++k;
  const UnitMatrix mat = batch.matrices[k];
  const int64_t block = static_cast<int64_t>(blockIdx.x) - batch.first_block[k];
  T* w = static_cast<T*>(mat.data);
  const int lane = threadIdx.x % kWarp;
  const int group = threadIdx.x / kWarp;

  if (mat.by_columns == 0) {
    // A warp per row: w[r, :] /= ‖w[r, :]‖.
    const int64_t row = block * kRowsPerBlock + group;
    if (row >= mat.rows) return;
    T* wr = w + row * mat.cols;
    float ss = 0.f;
    for (int64_t c = lane; c < mat.cols; c += kWarp) {
      const float v = load(wr, c);
      ss += v * v;
    }
    const float norm = sqrtf(warp_sum(ss));
    for (int64_t c = lane; c < mat.cols; c += kWarp) store(wr, c, load(wr, c) / norm);
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
  }
  __syncthreads();
  if (col < mat.cols) {
    const float norm = norms[lane];
    for (int64_t r = group; r < mat.rows; r += kRowsPerBlock) {
      const int64_t i = r * mat.cols + col;
      store(w, i, load(w, i) / norm);
    }
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

}  // namespace

const char* normalized_residual_forward(const void* h, int32_t h_type, const void* u, int32_t u_type,
                                        const float* alpha, int32_t alpha_stride, void* out, int32_t out_type,
                                        float* norms, int64_t rows, int64_t cols, void* stream) {
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
        normalized_residual_forward_kernel<TH, TU, TO><<<blocks_for_rows(rows), kThreads, 0, s>>>(
            static_cast<const TH*>(h), static_cast<const TU*>(u), alpha, alpha_stride, static_cast<TO*>(out), norms,
            rows, cols);
      });
    });
  });
  return launched();
}

const char* normalized_residual_backward(const void* h, int32_t h_type, const void* u, int32_t u_type,
                                         const float* alpha, int32_t alpha_stride, const void* grad_out,
                                         int32_t grad_type, const float* norms, void* grad_h, void* grad_u,
                                         float* grad_alpha_rows, int64_t rows, int64_t cols, void* stream) {
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
        normalized_residual_backward_kernel<TH, TU, TG><<<blocks_for_rows(rows), kThreads, 0, s>>>(
            static_cast<const TH*>(h), static_cast<const TU*>(u), alpha, alpha_stride, static_cast<const TG*>(grad_out),
            norms, static_cast<TH*>(grad_h), static_cast<TU*>(grad_u), grad_alpha_rows, rows, cols);
      });
    });
  });
  return launched();
}

const char* rotary_normalize_forward(const void* x, int32_t x_type, RotaryShape shape, const float* cos,
                                     const float* sin, const float* scale, void* out, int32_t out_type, float* norms,
                                     void* stream) {
  if (!known(x_type) || !known(out_type)) return "unsupported element type";
  const int64_t rows = shape.batch * shape.heads * shape.time;
  if (rows <= 0 || shape.dim <= 0) return nullptr;
  if ((rows + kRowsPerBlock - 1) / kRowsPerBlock > 0x7fffffff) return "too many rows for one launch";
  const auto s = static_cast<cudaStream_t>(stream);
  with_type(x_type, [&](auto tx) {
    with_type(out_type, [&](auto to) {
      using TX = typename decltype(tx)::type;
      using TO = typename decltype(to)::type;
      rotary_normalize_forward_kernel<TX, TO><<<blocks_for_rows(rows), kThreads, 0, s>>>(
          static_cast<const TX*>(x), shape, cos, sin, scale, static_cast<TO*>(out), norms, rows);
    });
  });
  return launched();
}

const char* rotary_normalize_backward(const void* x, int32_t x_type, RotaryShape shape, const float* cos,
                                      const float* sin, const float* scale, const void* grad_out, int32_t grad_type,
                                      const float* norms, void* grad_x, float* grad_scale_rows, void* stream) {
  if (!known(x_type) || !known(grad_type)) return "unsupported element type";
  const int64_t rows = shape.batch * shape.heads * shape.time;
  if (rows <= 0 || shape.dim <= 0) return nullptr;
  if ((rows + kRowsPerBlock - 1) / kRowsPerBlock > 0x7fffffff) return "too many rows for one launch";
  const auto s = static_cast<cudaStream_t>(stream);
  with_type(x_type, [&](auto tx) {
    with_type(grad_type, [&](auto tg) {
      using TX = typename decltype(tx)::type;
      using TG = typename decltype(tg)::type;
      rotary_normalize_backward_kernel<TX, TG><<<blocks_for_rows(rows), kThreads, 0, s>>>(
          static_cast<const TX*>(x), shape, cos, sin, scale, static_cast<const TG*>(grad_out), norms,
          static_cast<TX*>(grad_x), grad_scale_rows, rows);
    });
  });
  return launched();
}

const char* project_unit(const UnitMatrix* matrices, int32_t count, int32_t type, void* stream) {
  if (!known(type)) return "unsupported element type";
  if (count < 0 || count > kMaxUnitMatrices) return "too many matrices for one launch";
  UnitMatrixBatch batch{};
  int64_t blocks = 0;
  for (int32_t i = 0; i < count; ++i) {
    const UnitMatrix& m = matrices[i];
    batch.matrices[i] = m;
    batch.first_block[i] = static_cast<int32_t>(blocks);
    blocks += m.by_columns != 0 ? (m.cols + kWarp - 1) / kWarp : (m.rows + kRowsPerBlock - 1) / kRowsPerBlock;
    if (blocks > 0x7fffffff) return "too many blocks for one launch";
  }
  batch.first_block[count] = static_cast<int32_t>(blocks);
  batch.count = count;
  if (blocks == 0) return nullptr;
  const auto s = static_cast<cudaStream_t>(stream);
  with_type(type, [&](auto tt) {
    using T = typename decltype(tt)::type;
    project_unit_kernel<T><<<static_cast<unsigned>(blocks), kThreads, 0, s>>>(batch);
  });
  return launched();
}

}  // namespace dt_fused
