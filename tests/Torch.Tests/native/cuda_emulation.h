// The CUDA features the attention, table-row and AdamW kernels use, emulated on the CPU so that their source can be checked
// where there is no GPU: each CUDA thread of a block is a std::thread; __syncthreads, the warp shuffles and votes are
// barriers; shared memory is one buffer per block, filled with NaN before each block (as a GPU's holds whatever was
// there). Blocks run one after another. Only what attention_kernels.cu, row_kernels.cu and adamw_kernels.cu need is here.
#pragma once
#include <algorithm>
#include <atomic>
#include <barrier>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __restrict__

struct float4 {
  float x, y, z, w;
};
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
struct uint3 {
  unsigned x, y, z;
};
inline thread_local uint3 threadIdx, blockIdx;
using std::max;
using std::min;

namespace dt_emulation {

struct Block {
  std::barrier<> all;
  std::vector<std::unique_ptr<std::barrier<>>> warps;
  std::vector<float> lanes;
  std::vector<unsigned> votes;
  std::vector<int> values;
  std::vector<float4> shared;
  explicit Block(int threads, size_t shared_bytes) : all(threads), lanes(threads), votes(threads), values(threads), shared((shared_bytes + 15) / 16) {
    for (int w = 0; w < threads / 32; ++w) warps.push_back(std::make_unique<std::barrier<>>(32));
    std::fill(shared.begin(), shared.end(), make_float4(NAN, NAN, NAN, NAN));
  }
};
inline Block* block;

template <typename T>
T* dynamic_shared() { return reinterpret_cast<T*>(block->shared.data()); }

// Runs kernel() as blocks × threads CUDA threads, one block at a time.
inline void launch(int blocks, int threads, size_t shared_bytes, const std::function<void()>& kernel) {
  for (int b = 0; b < blocks; ++b) {
    Block current(threads, shared_bytes);
    block = &current;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t, b] {
        threadIdx = {static_cast<unsigned>(t), 0, 0};
        blockIdx = {static_cast<unsigned>(b), 0, 0};
        kernel();
      });
    for (auto& thread : pool) thread.join();
  }
}

}  // namespace dt_emulation

inline void __syncthreads() { dt_emulation::block->all.arrive_and_wait(); }
inline float __shfl_xor_sync(unsigned, float value, int offset) {
  auto& b = *dt_emulation::block;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  b.lanes[threadIdx.x] = value;
  b.warps[warp]->arrive_and_wait();
  const float other = b.lanes[warp * 32 + (lane ^ offset)];
  b.warps[warp]->arrive_and_wait();
  return other;
}
inline unsigned __ballot_sync(unsigned, bool predicate) {
  auto& b = *dt_emulation::block;
  const int warp = threadIdx.x / 32;
  b.votes[threadIdx.x] = predicate ? 1u : 0u;
  b.warps[warp]->arrive_and_wait();
  unsigned vote = 0;
  for (int lane = 0; lane < 32; ++lane) vote |= b.votes[warp * 32 + lane] << lane;
  b.warps[warp]->arrive_and_wait();
  return vote;
}
inline int __popc(unsigned x) { return std::popcount(x); }
inline int __ffs(int x) { return x == 0 ? 0 : std::countr_zero(static_cast<unsigned>(x)) + 1; }
inline float atomicAdd(float* address, float value) { return std::atomic_ref<float>(*address).fetch_add(value); }
template <typename T>
T __ldg(const T* address) { return *address; }
inline void __syncwarp(unsigned = 0xffffffffu) { dt_emulation::block->warps[threadIdx.x / 32]->arrive_and_wait(); }
// The lanes of the warp whose value equals this lane's (every lane of the warp takes part, as with the full mask).
inline unsigned __match_any_sync(unsigned, int value) {
  auto& b = *dt_emulation::block;
  const int warp = threadIdx.x / 32;
  b.values[threadIdx.x] = value;
  b.warps[warp]->arrive_and_wait();
  unsigned same = 0;
  for (int lane = 0; lane < 32; ++lane) same |= (b.values[warp * 32 + lane] == value ? 1u : 0u) << lane;
  b.warps[warp]->arrive_and_wait();
  return same;
}
