// AdamW's step and the projection onto the unit sphere in one pass; see adamw_kernels.h. Blocks are dealt out matrix
// after matrix as in the projection kernel (fused_kernels.cu): a warp per row of a row-wise matrix (8 rows a block), and
// 32 adjacent columns a block of a column-wise one, its 8 warps taking every 8th row, so that a warp's loads are 32
// consecutive floats either way. A thread walks its elements of a vector in batches of kBatch, updates them and sums the
// squares of the new p; the vector's norm then comes from a warp or block sum. A row of up to 512 keeps its new p in
// registers and stores them once, divided; a column (or a longer row) stores them, and a second walk divides them,
// re-reading them from L2.
#include "adamw_kernels.h"

#ifdef DT_CUDA_EMULATION
// tests/Torch.Tests/native: the kernel compiled for the CPU, each CUDA thread a std::thread (the launcher left out).
#include "cuda_emulation.h"
#define DT_DYNAMIC_SHARED(type, name) type* name = dt_emulation::dynamic_shared<type>()
#else
#include <cuda_runtime.h>
#define DT_DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#endif
#include <math.h>
#include <stdint.h>

#include "unit_blocks.h"

namespace dt_adamw {
namespace {

constexpr int kThreads = 256;
constexpr int kWarp = 32;
constexpr int kWarps = kThreads / kWarp;   // rows a block of a row-wise matrix; row strides of a column-wise one
constexpr int kBatch = 4;
constexpr int kKept = 16;   // a row's elements a lane keeps in registers (rows of up to 512)
// Shared memory: the row-wise blocks' deviations (kWarps), the column-wise blocks' partial sums (kWarps × kWarp) and norms (kWarp).
constexpr int kSharedFloats = kWarps + kWarps * kWarp + kWarp;

struct Batch {
  UnitMatrix matrices[kMaxUnitMatrices];
  int32_t first_block[kMaxUnitMatrices + 1];
  int32_t count;
};
static_assert(sizeof(Batch) + sizeof(Hyper) + sizeof(float*) <= 4096, "a kernel's parameters must fit in 4 KB");

// The step's scalars, as PyTorch's fused AdamW derives them (in float32).
struct Step {
  float decay;                   // 1 − lr·wd
  float beta1, beta2, eps;
  float step_size;               // lr / (1 − β₁ᵗ)
  float bias_correction2_sqrt;   // √(1 − β₂ᵗ)
};

__device__ Step step_of(const Hyper& h) {
  const float t = *h.step;
  const float lr = h.lr != nullptr ? *h.lr : h.lr_value;
  Step s;
  s.decay = 1.f - lr * h.weight_decay;
  s.beta1 = h.beta1;
  s.beta2 = h.beta2;
  s.eps = h.eps;
  s.step_size = lr / (1.f - powf(h.beta1, t));
  s.bias_correction2_sqrt = sqrtf(1.f - powf(h.beta2, t));
  return s;
}

__device__ __forceinline__ float warp_sum(float x) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) x += __shfl_xor_sync(0xffffffffu, x, offset);
  return x;
}

// A batch of a thread's elements first + j·stride, j0 ≤ j < j0 + kBatch (those < n), as loaded, then as stepped.
struct Elements {
  float p[kBatch], g[kBatch], m[kBatch], v[kBatch];
};

// Every load of the batch is issued before the step's first store (the compiler cannot move loads above stores to
// p, m and v it cannot prove apart).
__device__ __forceinline__ void load(const UnitMatrix& mat, int64_t first, int64_t stride, int64_t j0, int64_t n,
                                     Elements& e) {
#pragma unroll
  for (int k = 0; k < kBatch; ++k) {
    if (j0 + k >= n) continue;
    const int64_t i = first + (j0 + k) * stride;
    e.p[k] = mat.param[i];
    e.g[k] = mat.grad[i];
    e.m[k] = mat.exp_avg[i];
    e.v[k] = mat.exp_avg_sq[i];
  }
}

// AdamW on the loaded batch: m and v stored, the new p left in e.p; returns the sum of their squares.
__device__ __forceinline__ float step(const Step& s, const UnitMatrix& mat, int64_t first, int64_t stride, int64_t j0,
                                      int64_t n, Elements& e) {
  float squares = 0.f;
#pragma unroll
  for (int k = 0; k < kBatch; ++k) {
    if (j0 + k >= n) continue;
    const int64_t i = first + (j0 + k) * stride;
    const float g = e.g[k];
    const float m = s.beta1 * e.m[k] + (1.f - s.beta1) * g;
    const float v = s.beta2 * e.v[k] + (1.f - s.beta2) * g * g;
    const float denom = sqrtf(v) / s.bias_correction2_sqrt + s.eps;
    e.p[k] = e.p[k] * s.decay - s.step_size * m / denom;
    mat.exp_avg[i] = m;
    mat.exp_avg_sq[i] = v;
    squares += e.p[k] * e.p[k];
  }
  return squares;
}

// Steps the elements first + j·stride, j < n, storing the new p; returns the sum of their squares.
__device__ float update(const Step& s, const UnitMatrix& mat, int64_t first, int64_t stride, int64_t n) {
  float squares = 0.f;
  for (int64_t j0 = 0; j0 < n; j0 += kBatch) {
    Elements e;
    load(mat, first, stride, j0, n, e);
    squares += step(s, mat, first, stride, j0, n, e);
#pragma unroll
    for (int k = 0; k < kBatch; ++k)
      if (j0 + k < n) mat.param[first + (j0 + k) * stride] = e.p[k];
  }
  return squares;
}

// p[first + j·stride] /= norm, j < n.
__device__ void divide(const UnitMatrix& mat, int64_t first, int64_t stride, int64_t n, float norm) {
  for (int64_t j0 = 0; j0 < n; j0 += kBatch) {
    float p[kBatch];
#pragma unroll
    for (int k = 0; k < kBatch; ++k)
      if (j0 + k < n) p[k] = mat.param[first + (j0 + k) * stride];
#pragma unroll
    for (int k = 0; k < kBatch; ++k)
      if (j0 + k < n) mat.param[first + (j0 + k) * stride] = p[k] / norm;
  }
}

// A row of at most kKept · 32 elements (nGPT's rows of C = 384: 12 a lane): its new p stay in registers until the
// warp has its norm, and are stored once, divided.
__device__ float step_row_in_registers(const Step& s, const UnitMatrix& mat, int64_t first, int64_t n) {
  float kept[kKept];
  float squares = 0.f;
#pragma unroll
  for (int j0 = 0; j0 < kKept; j0 += kBatch) {
    if (j0 >= n) break;
    Elements e;
    load(mat, first, kWarp, j0, n, e);
    squares += step(s, mat, first, kWarp, j0, n, e);
#pragma unroll
    for (int k = 0; k < kBatch; ++k) kept[j0 + k] = e.p[k];
  }
  const float norm = sqrtf(warp_sum(squares));
#pragma unroll
  for (int j = 0; j < kKept; ++j)
    if (j < n) mat.param[first + j * kWarp] = kept[j] / norm;
  return norm;
}

__global__ void __launch_bounds__(kThreads) unit_step_kernel(const Batch batch, const Hyper hyper, float* deviation_sum) {
  const int32_t k = dt_unit_blocks::matrix_of(batch.first_block, batch.count, static_cast<int32_t>(blockIdx.x));
  const UnitMatrix mat = batch.matrices[k];
  const int64_t block = static_cast<int64_t>(blockIdx.x) - batch.first_block[k];
  const Step s = step_of(hyper);
  const int lane = threadIdx.x % kWarp;
  const int group = threadIdx.x / kWarp;
  DT_DYNAMIC_SHARED(float, shared);
  float* deviations = shared;                  // (kWarps)
  float* partial = deviations + kWarps;        // (kWarps, kWarp)
  float* norms = partial + kWarps * kWarp;     // (kWarp)

  if (mat.by_columns == 0) {
    // A warp per row: the lane's elements are lane, lane + 32, … of the row.
    const int64_t row = block * kWarps + group;
    float deviation = 0.f;
    if (row < mat.rows) {
      const int64_t first = row * mat.cols + lane;
      const int64_t n = lane < mat.cols ? (mat.cols - lane + kWarp - 1) / kWarp : 0;
      if (mat.cols <= kKept * kWarp) {   // warp-uniform
        deviation = fabsf(step_row_in_registers(s, mat, first, n) - 1.f);
      } else {
        const float norm = sqrtf(warp_sum(update(s, mat, first, kWarp, n)));
        deviation = fabsf(norm - 1.f);
        divide(mat, first, kWarp, n, norm);
      }
    }
    if (deviation_sum == nullptr) return;
    if (lane == 0) deviations[group] = deviation;   // one atomic a block: its rows meet in shared memory first
    __syncthreads();
    if (threadIdx.x == 0) {
      float total = 0.f;
      for (int i = 0; i < kWarps; ++i) total += deviations[i];
      atomicAdd(deviation_sum, total);
    }
    return;
  }

  // 32 adjacent columns a block: the thread's elements are rows group, group + 8, … of its column.
  const int64_t col = block * kWarp + lane;
  const int64_t first = group * mat.cols + col;
  const int64_t n = col < mat.cols && group < mat.rows ? (mat.rows - group + kWarps - 1) / kWarps : 0;
  partial[group * kWarp + lane] = update(s, mat, first, kWarps * mat.cols, n);
  __syncthreads();
  if (group == 0) {
    float total = 0.f;
    for (int i = 0; i < kWarps; ++i) total += partial[i * kWarp + lane];
    norms[lane] = sqrtf(total);
    if (deviation_sum != nullptr) {
      const float deviation = warp_sum(col < mat.cols ? fabsf(norms[lane] - 1.f) : 0.f);
      if (lane == 0) atomicAdd(deviation_sum, deviation);
    }
  }
  __syncthreads();
  divide(mat, first, kWarps * mat.cols, n, norms[lane]);
}

}  // namespace

#ifndef DT_CUDA_EMULATION

const char* unit_step(const UnitMatrix* matrices, int32_t count, Hyper hyper, float* deviation_sum, void* stream) {
  if (count < 0 || count > kMaxUnitMatrices) return "too many matrices for one launch";
  Batch batch{};
  for (int32_t i = 0; i < count; ++i) batch.matrices[i] = matrices[i];
  batch.count = count;
  if (const char* e = dt_unit_blocks::deal(matrices, count, kWarps, kWarp, batch.first_block)) return e;
  const int32_t blocks = batch.first_block[count];
  if (blocks == 0) return nullptr;
  unit_step_kernel<<<static_cast<unsigned>(blocks), kThreads, kSharedFloats * sizeof(float),
                     static_cast<cudaStream_t>(stream)>>>(batch, hyper, deviation_sum);
  const cudaError_t e = cudaGetLastError();
  return e == cudaSuccess ? nullptr : cudaGetErrorString(e);
}

#endif  // !DT_CUDA_EMULATION

}  // namespace dt_adamw
