// Kernels over the rows of a (V, C) table; see row_kernels.h. One warp a row for the scaled rows (the row's sum of
// products needs no shared memory); a block of 64 rows for the embedding's gradient, which marks the indices that fall
// in its rows, sorts them by row in shared memory and then sums, for each row, the gradient rows of its indices in
// ascending order.
#include "row_kernels.h"

#ifdef DT_CUDA_EMULATION
// tests/Torch.Tests/native: the kernels compiled for the CPU, each CUDA thread a std::thread (the launchers are left out).
#include "cuda_emulation.h"
#define DT_DYNAMIC_SHARED(type, name) type* name = dt_emulation::dynamic_shared<type>()
#else
#include <cuda_runtime.h>
#define DT_DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#endif
#include <stdint.h>

namespace dt_rows {
namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kEmbeddingRows = 64;   // rows of the table a block of the embedding's gradient writes

__device__ __forceinline__ float warp_sum(float x) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) x += __shfl_xor_sync(0xffffffffu, x, offset);
  return x;
}

__device__ __forceinline__ float4 scaled(float4 x, float k) { return make_float4(x.x * k, x.y * k, x.z * k, x.w * k); }

// One warp a row: out = w · (s[r]·k).
__global__ void __launch_bounds__(kThreads) scaled_rows_forward_kernel(const float* __restrict__ w,
                                                                       const float* __restrict__ s, float k,
                                                                       float* __restrict__ out, int64_t rows,
                                                                       int64_t cols, bool by4) {
  const int64_t r = static_cast<int64_t>(blockIdx.x) * kWarps + threadIdx.x / 32;
  if (r >= rows) return;
  const int lane = threadIdx.x % 32;
  const float sk = s[r] * k;
  const float* row = w + r * cols;
  float* target = out + r * cols;
  if (by4) {
    for (int64_t c4 = lane; c4 < cols / 4; c4 += 32)
      reinterpret_cast<float4*>(target)[c4] = scaled(reinterpret_cast<const float4*>(row)[c4], sk);
  } else {
    for (int64_t c = lane; c < cols; c += 32) target[c] = row[c] * sk;
  }
}

// One warp a row: grad_w = g · (s[r]·k), grad_s[r] = k · Σ g ⊙ w (the warp's lanes, then a butterfly sum).
__global__ void __launch_bounds__(kThreads) scaled_rows_backward_kernel(const float* __restrict__ w,
                                                                        const float* __restrict__ s, float k,
                                                                        const float* __restrict__ g,
                                                                        float* __restrict__ grad_w,
                                                                        float* __restrict__ grad_s, int64_t rows,
                                                                        int64_t cols, bool by4) {
  const int64_t r = static_cast<int64_t>(blockIdx.x) * kWarps + threadIdx.x / 32;
  if (r >= rows) return;   // the whole warp: r is the warp's
  const int lane = threadIdx.x % 32;
  const float sk = s[r] * k;
  const float *row = w + r * cols, *grad = g + r * cols;
  float* target = grad_w + r * cols;
  float dot = 0.f;
  if (by4) {
    for (int64_t c4 = lane; c4 < cols / 4; c4 += 32) {
      const float4 x = reinterpret_cast<const float4*>(row)[c4], d = reinterpret_cast<const float4*>(grad)[c4];
      reinterpret_cast<float4*>(target)[c4] = scaled(d, sk);
      dot += d.x * x.x + d.y * x.y + d.z * x.z + d.w * x.w;
    }
  } else {
    for (int64_t c = lane; c < cols; c += 32) {
      target[c] = grad[c] * sk;
      dot += grad[c] * row[c];
    }
  }
  dot = warp_sum(dot);
  if (lane == 0) grad_s[r] = dot * k;
}

// Shared memory: bits (one per index, words of 32), the list of non-zero words, their count, the end of the chunk,
// the rows' starts in the list and their cursors, the list.
constexpr int kEmbeddingList = 2048;   // entries of a block's list: its indices are listed (and summed) this many at a time
__host__ __device__ inline int64_t embedding_shared_words(int n) {
  return 2 * ((n + 31) / 32) + 2 + (kEmbeddingRows + 1) + kEmbeddingRows + kEmbeddingList;
}

// The row, less first, of the index that lane `lane` of the j-th non-zero word stands for; -1 where that bit is not set
// or j is past end.
__device__ __forceinline__ int marked_row(const int64_t* __restrict__ indices, const uint32_t* bits, const uint32_t* nonzero,
                                          uint32_t j, uint32_t end, int64_t first, int lane) {
  if (j >= end) return -1;
  const uint32_t word = nonzero[j];
  if (((bits[word] >> lane) & 1u) == 0) return -1;
  return static_cast<int>(indices[static_cast<int64_t>(word) * 32 + lane] - first);
}

// Calls visit(j, row, same) for the non-zero words j in [begin, end) in order, on every lane of the warp: row as
// marked_row gives it, same the lanes whose row is the same (__match_any_sync); the warp synchronised after each. The
// indices of kWordsInFlight words are read at once before they are ranked one word after another, so that their loads
// overlap (a block of the product's byte tokens lists hundreds of words).
constexpr int kWordsInFlight = 8;
template <typename Visit>
__device__ __forceinline__ void rank_marked_words(const int64_t* __restrict__ indices, const uint32_t* bits,
                                                  const uint32_t* nonzero, uint32_t begin, uint32_t end, int64_t first,
                                                  int lane, Visit visit) {
  for (uint32_t j0 = begin; j0 < end; j0 += kWordsInFlight) {
    int row[kWordsInFlight];
#pragma unroll
    for (int u = 0; u < kWordsInFlight; ++u) row[u] = marked_row(indices, bits, nonzero, j0 + u, end, first, lane);
#pragma unroll
    for (int u = 0; u < kWordsInFlight; ++u) {
      if (j0 + u >= end) break;   // the whole warp
      visit(j0 + u, row[u], __match_any_sync(0xffffffffu, row[u]));
      __syncwarp();
    }
  }
}

// A block writes rows [first, first + 64) of grad_weight. Its threads mark which indices fall there (a ballot per 32
// indices) and one warp lists the non-zero words in order. Then, a chunk of at most kEmbeddingList marked indices at a
// time, warp 0 sorts the chunk's indices by row (a count, a scan, then a stable placement: the words in ascending
// order, __match_any_sync ranking a word's equal rows), and the block's threads, one (row, 4 columns) each, add up
// each row's gradient rows in that order onto what the chunks before left. So each row is summed in ascending i
// whatever the scheduling, and a row named by many indices costs a list walk, not a scan of every marked index.
__global__ void __launch_bounds__(kThreads) embedding_backward_kernel(const int64_t* __restrict__ indices, int n,
                                                                      const float* __restrict__ g, int64_t rows,
                                                                      int64_t cols, bool by4,
                                                                      float* __restrict__ grad_weight) {
  DT_DYNAMIC_SHARED(uint32_t, shared);
  const int words = (n + 31) / 32;
  uint32_t* bits = shared;
  uint32_t* nonzero = shared + words;
  uint32_t* nonzero_count = shared + 2 * words;
  uint32_t* chunk_end = nonzero_count + 1;
  uint32_t* row_start = chunk_end + 1;                  // [kEmbeddingRows + 1]
  uint32_t* cursor = row_start + kEmbeddingRows + 1;    // [kEmbeddingRows]
  uint32_t* list = cursor + kEmbeddingRows;             // [kEmbeddingList]
  const int64_t first = static_cast<int64_t>(blockIdx.x) * kEmbeddingRows;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;

  for (int base = 0; base < n; base += kThreads) {
    const int i = base + static_cast<int>(threadIdx.x);
    bool mine = false;
    if (i < n) {
      const int64_t local = indices[i] - first;
      mine = local >= 0 && local < kEmbeddingRows;
    }
    const uint32_t vote = __ballot_sync(0xffffffffu, mine);
    if (lane == 0 && base + 32 * warp < n) bits[(base + 32 * warp) / 32] = vote;
  }
  __syncthreads();
  if (warp == 0) {
    uint32_t found = 0;
    for (int base = 0; base < words; base += 32) {
      const int word = base + lane;
      const bool set = word < words && bits[word] != 0;
      const uint32_t vote = __ballot_sync(0xffffffffu, set);
      if (set) nonzero[found + __popc(vote & ((1u << lane) - 1u))] = static_cast<uint32_t>(word);
      found += static_cast<uint32_t>(__popc(vote));
    }
    if (lane == 0) *nonzero_count = found;
  }
  __syncthreads();
  const uint32_t found = *nonzero_count;
  const int64_t block_rows = rows - first < kEmbeddingRows ? rows - first : kEmbeddingRows;
  const int64_t steps = by4 ? cols / 4 : cols;          // a thread's item: (row, 4 columns), or (row, column)

  uint32_t begin = 0;
  do {   // at least once: a block none of whose rows is named still writes its zeros
    if (warp == 0) {
      if (lane == 0) {
        uint32_t end = begin, total = 0;
        while (end < found && total + __popc(bits[nonzero[end]]) <= kEmbeddingList) total += __popc(bits[nonzero[end++]]);
        *chunk_end = end;
      }
      for (int r = lane; r <= kEmbeddingRows; r += 32) row_start[r] = 0;
      __syncwarp();
      const uint32_t end = *chunk_end;
      const uint32_t earlier = (1u << lane) - 1u;
      // Count each row's indices in the chunk (row_start[r + 1]): each row's first lane in a word adds its lanes.
      rank_marked_words(indices, bits, nonzero, begin, end, first, lane, [&](uint32_t, int row, uint32_t same) {
        if (row >= 0 && (same & earlier) == 0) row_start[row + 1] += static_cast<uint32_t>(__popc(same));
      });
      if (lane == 0)
        for (int r = 1; r <= kEmbeddingRows; ++r) row_start[r] += row_start[r - 1];
      __syncwarp();
      for (int r = lane; r < kEmbeddingRows; r += 32) cursor[r] = row_start[r];
      __syncwarp();
      // Place them: words in ascending order, and within a word the lanes of one row in ascending order.
      rank_marked_words(indices, bits, nonzero, begin, end, first, lane, [&](uint32_t j, int row, uint32_t same) {
        if (row >= 0) list[cursor[row] + __popc(same & earlier)] = nonzero[j] * 32 + static_cast<uint32_t>(lane);
        __syncwarp();
        if (row >= 0 && (same & earlier) == 0) cursor[row] += static_cast<uint32_t>(__popc(same));
      });
    }
    __syncthreads();
    const uint32_t next = *chunk_end;   // read before the block's sync below, after which warp 0 writes the next
    const bool first_chunk = begin == 0;
    for (int64_t item = threadIdx.x; item < block_rows * steps; item += kThreads) {
      const int r = static_cast<int>(item / steps);
      const int64_t step = item - r * steps;
      const uint32_t from = row_start[r], to = row_start[r + 1];
      if (!first_chunk && from == to) continue;
      float* target = grad_weight + (first + r) * cols;
      if (by4) {
        float4 sum = first_chunk ? make_float4(0.f, 0.f, 0.f, 0.f) : reinterpret_cast<const float4*>(target)[step];
#pragma unroll 4
        for (uint32_t e = from; e < to; ++e) {
          const float4 d = reinterpret_cast<const float4*>(g + static_cast<int64_t>(list[e]) * cols)[step];
          sum = make_float4(sum.x + d.x, sum.y + d.y, sum.z + d.z, sum.w + d.w);
        }
        reinterpret_cast<float4*>(target)[step] = sum;
      } else {
        float sum = first_chunk ? 0.f : target[step];
#pragma unroll 4
        for (uint32_t e = from; e < to; ++e) sum += g[static_cast<int64_t>(list[e]) * cols + step];
        target[step] = sum;
      }
    }
    __syncthreads();
    begin = next;
  } while (begin < found);
}

// A block sums 32 columns of one m: warp w adds rows w, w + 32, ... (each lane its column), the 32 warps' sums meet in
// shared memory transposed, and warp w adds up column w's 32 of them with a butterfly. Fixed order: deterministic.
constexpr int kSumSlices = 32;

__global__ void __launch_bounds__(32 * kSumSlices) sum_partials_kernel(const float* __restrict__ x, int outer, int mid,
                                                                       int inner, int cols, int column_blocks,
                                                                       float* __restrict__ out) {
  DT_DYNAMIC_SHARED(float, slice_sums);   // [32 columns][33]: padded against bank conflicts
  const int m = blockIdx.x / column_blocks, first = (blockIdx.x % column_blocks) * 32;
  const int lane = threadIdx.x % 32, slice = threadIdx.x / 32;
  const int c = first + lane, rows = outer * inner;
  float sum = 0.f;
  if (c < cols) {
#pragma unroll 4
    for (int r = slice; r < rows; r += kSumSlices) {
      const int a = r / inner, p = r - a * inner;
      sum += x[((static_cast<int64_t>(a) * mid + m) * inner + p) * cols + c];
    }
  }
  slice_sums[lane * 33 + slice] = sum;
  __syncthreads();
  const float total = warp_sum(slice_sums[slice * 33 + lane]);
  if (lane == 0 && first + slice < cols) out[static_cast<int64_t>(m) * cols + first + slice] = total;
}

#ifndef DT_CUDA_EMULATION

const char* launched() {
  const cudaError_t e = cudaGetLastError();
  return e == cudaSuccess ? nullptr : cudaGetErrorString(e);
}

bool aligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

const char* row_blocks(int64_t rows, int64_t per_block, unsigned& blocks) {
  const int64_t count = (rows + per_block - 1) / per_block;
  if (count > 0x7fffffff) return "too many rows for one launch";
  blocks = static_cast<unsigned>(count);
  return nullptr;
}

#endif  // !DT_CUDA_EMULATION

}  // namespace

#ifndef DT_CUDA_EMULATION

const char* scaled_rows_forward(const float* w, const float* s, float k, float* out, int64_t rows, int64_t cols,
                                void* stream) {
  if (rows == 0 || cols == 0) return nullptr;
  unsigned blocks = 0;
  if (const char* e = row_blocks(rows, kWarps, blocks)) return e;
  const bool by4 = cols % 4 == 0 && aligned(w) && aligned(out);
  scaled_rows_forward_kernel<<<blocks, kThreads, 0, static_cast<cudaStream_t>(stream)>>>(w, s, k, out, rows, cols, by4);
  return launched();
}

const char* scaled_rows_backward(const float* w, const float* s, float k, const float* g, float* grad_w, float* grad_s,
                                 int64_t rows, int64_t cols, void* stream) {
  if (rows == 0) return nullptr;
  unsigned blocks = 0;
  if (const char* e = row_blocks(rows, kWarps, blocks)) return e;
  const bool by4 = cols % 4 == 0 && aligned(w) && aligned(g) && aligned(grad_w);
  scaled_rows_backward_kernel<<<blocks, kThreads, 0, static_cast<cudaStream_t>(stream)>>>(w, s, k, g, grad_w, grad_s,
                                                                                         rows, cols, by4);
  return launched();
}

const char* embedding_backward(const int64_t* indices, int64_t n, const float* g, int64_t rows, int64_t cols,
                               float* grad_weight, void* stream) {
  if (n < 0 || n > kMaxEmbeddingIndices) return "too many indices for the embedding's gradient kernel";
  if (rows == 0 || cols == 0) return nullptr;
  unsigned blocks = 0;
  if (const char* e = row_blocks(rows, kEmbeddingRows, blocks)) return e;
  const bool by4 = cols % 4 == 0 && aligned(g) && aligned(grad_weight);
  const size_t bytes = static_cast<size_t>(embedding_shared_words(static_cast<int>(n))) * sizeof(uint32_t);
  embedding_backward_kernel<<<blocks, kThreads, bytes, static_cast<cudaStream_t>(stream)>>>(
      indices, static_cast<int>(n), g, rows, cols, by4, grad_weight);
  return launched();
}

const char* sum_partials(const float* x, int64_t outer, int64_t mid, int64_t inner, int64_t cols, float* out,
                         void* stream) {
  if (mid == 0 || cols == 0) return nullptr;
  if (outer * inner > 0x7fffffff || cols > 0x7fffffff) return "too many partial sums for one launch";
  const int64_t column_blocks = (cols + 31) / 32;
  if (column_blocks * mid > 0x7fffffff) return "too many columns for one launch";
  sum_partials_kernel<<<static_cast<unsigned>(column_blocks * mid), 32 * kSumSlices, 32 * 33 * sizeof(float),
                        static_cast<cudaStream_t>(stream)>>>(x, static_cast<int>(outer), static_cast<int>(mid),
                                                             static_cast<int>(inner), static_cast<int>(cols),
                                                             static_cast<int>(column_blocks), out);
  return launched();
}

#endif  // !DT_CUDA_EMULATION

}  // namespace dt_rows
