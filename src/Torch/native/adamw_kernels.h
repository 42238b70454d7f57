// AdamW's step and nGPT's projection onto the unit sphere in one pass over the matrices (adamw_kernels.cu), behind a
// plain C++ launcher as fused_kernels.h. The separate path is libtorch's fused AdamW (reads p, g, m, v and writes p, m,
// v) and then the projection (reads p twice, writes it once): this kernel reads each array once and writes each once,
// dividing a row's updated p by its norm while it is still in registers (a column's, re-read from the L2 cache).
// Compiled in where build.sh finds nvcc (DT_WITH_FUSED_KERNELS); the launcher returns nullptr on success or the CUDA
// error's message. Float32, contiguous.
#pragma once
#include <stdint.h>

namespace dt_adamw {

// One matrix of the step: param, grad, exp_avg, exp_avg_sq (rows, cols), contiguous float32; its vectors are its rows
// (by_columns 0) or its columns (by_columns 1).
struct UnitMatrix {
  float* param;
  const float* grad;
  float* exp_avg;
  float* exp_avg_sq;
  int64_t rows;
  int64_t cols;
  int32_t by_columns;
};

// The most matrices one launch takes (their descriptions travel as a kernel parameter, under its 4 KB): nGPT's 50 in one.
constexpr int kMaxUnitMatrices = 64;

// The step's constants. step: the group's step count on the device, already advanced to this step (float32, as
// libtorch's fused AdamW reads it); lr: the rate on the device (float32), or null for lr_value.
struct Hyper {
  const float* step;
  const float* lr;
  float lr_value;
  float beta1;
  float beta2;
  float weight_decay;
  float eps;
};

// For every element of count (≤ kMaxUnitMatrices) matrices, AdamW with decoupled weight decay as PyTorch computes it:
//   p ← p·(1 − lr·wd);  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
//   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
// then each vector v of p divided by ‖v‖ (no epsilon, as the projection), and Σ |‖v‖ − 1| over the updated vectors,
// before dividing, added to *deviation_sum (float32 on the device, when not null; atomically).
const char* unit_step(const UnitMatrix* matrices, int32_t count, Hyper hyper, float* deviation_sum, void* stream);

}  // namespace dt_adamw
