// How the kernels over a batch of unit-norm matrices (the projection in fused_kernels.cu, AdamW's step with it in
// adamw_kernels.cu) deal out their blocks: matrix after matrix, a block per rows_per_block rows of a row-wise matrix and
// per cols_per_block columns of a column-wise one. Matrix: any struct with rows, cols and by_columns.
#pragma once
#include <stdint.h>

namespace dt_unit_blocks {

// first_block[i] = the first block of matrix i, first_block[count] = the launch's blocks; nullptr, or why not.
template <typename Matrix>
const char* deal(const Matrix* matrices, int32_t count, int64_t rows_per_block, int64_t cols_per_block,
                 int32_t* first_block) {
  int64_t blocks = 0;
  for (int32_t i = 0; i < count; ++i) {
    const Matrix& m = matrices[i];
    first_block[i] = static_cast<int32_t>(blocks);
    blocks += m.by_columns != 0 ? (m.cols + cols_per_block - 1) / cols_per_block : (m.rows + rows_per_block - 1) / rows_per_block;
    if (blocks > 0x7fffffff) return "too many blocks for one launch";
  }
  first_block[count] = static_cast<int32_t>(blocks);
  return nullptr;
}

// The matrix the block with this index works on, given deal's first_block.
__host__ __device__ __forceinline__ int32_t matrix_of(const int32_t* first_block, int32_t count, int32_t block) {
  int32_t k = 0;
  while (k + 1 < count && block >= first_block[k + 1]) ++k;
  return k;
}

}  // namespace dt_unit_blocks
