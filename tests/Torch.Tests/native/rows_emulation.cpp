// row_kernels.cu's kernels run on the CPU (cuda_emulation.h) against their definitions written out in double: prints
// each output's relative error ‖kernel − reference‖ / ‖reference‖ per size, exits 1 if any exceeds 1e-5. Built and
// run by TableRowsTests (g++ -std=c++20 -DDT_CUDA_EMULATION).
#include "row_kernels.cu"

#include "relative_error.h"

#include <cstdio>
#include <cstring>
#include <random>

namespace {

using namespace dt_rows;

// by4 as the launcher decides it (the vectors here are 16-byte aligned where cols % 4 == 0).
bool scaled_rows(int rows, int cols, float k) {
  std::mt19937 random(static_cast<unsigned>(rows * 7 + cols));
  std::normal_distribution<float> normal;
  std::vector<float> w(size_t(rows) * cols), s(rows), g(w.size());
  for (auto& x : w) x = normal(random);
  for (auto& x : s) x = normal(random);
  for (auto& x : g) x = normal(random);
  std::vector<float> out(w.size(), NAN), gw(w.size(), NAN), gs(rows, NAN);
  const bool by4 = cols % 4 == 0;
  const int blocks = (rows + kWarps - 1) / kWarps;
  dt_emulation::launch(blocks, kThreads, 0, [&] { scaled_rows_forward_kernel(w.data(), s.data(), k, out.data(), rows, cols, by4); });
  dt_emulation::launch(blocks, kThreads, 0, [&] {
    scaled_rows_backward_kernel(w.data(), s.data(), k, g.data(), gw.data(), gs.data(), rows, cols, by4);
  });
  Error e_out, e_w, e_s;
  for (int r = 0; r < rows; ++r) {
    double dot = 0;
    for (int c = 0; c < cols; ++c) {
      const size_t i = size_t(r) * cols + c;
      e_out.add(double(w[i]) * s[r] * k, out[i]);
      e_w.add(double(g[i]) * s[r] * k, gw[i]);
      dot += double(g[i]) * w[i];
    }
    e_s.add(dot * k, gs[r]);
  }
  std::printf("scaled rows %d x %d: out %.2e, dw %.2e, ds %.2e\n", rows, cols, e_out.relative(), e_w.relative(), e_s.relative());
  return std::max({e_out.relative(), e_w.relative(), e_s.relative()}) <= 1e-5;
}

// Indices from the first `ids` rows of the table, a fifth of them one row (many rows summed into it), some outside the
// table. Besides the error against double: each row must equal, bit for bit, its gradient rows summed in float in
// ascending index order (the order the kernel promises, so that the result does not depend on scheduling).
bool embedding(int rows, int cols, int n, int ids) {
  std::mt19937 random(static_cast<unsigned>(rows * 13 + cols + n));
  std::normal_distribution<float> normal;
  std::uniform_int_distribution<int64_t> token(0, ids - 1);
  std::uniform_real_distribution<float> unit;
  std::vector<int64_t> indices(n);
  for (auto& i : indices) i = unit(random) < 0.2f ? ids / 2 : token(random);
  if (n > 3) indices[1] = -1, indices[2] = rows;   // outside: added to no row
  std::vector<float> g(size_t(n) * cols), gw(size_t(rows) * cols, NAN);
  for (auto& x : g) x = normal(random);
  const bool by4 = cols % 4 == 0;
  const int blocks = (rows + kEmbeddingRows - 1) / kEmbeddingRows;
  dt_emulation::launch(blocks, kThreads, embedding_shared_words(n) * sizeof(uint32_t),
                       [&] { embedding_backward_kernel(indices.data(), n, g.data(), rows, cols, by4, gw.data()); });
  std::vector<double> expected(gw.size(), 0.0);
  std::vector<float> ascending(gw.size(), 0.f);
  for (int i = 0; i < n; ++i)
    if (indices[i] >= 0 && indices[i] < rows)
      for (int c = 0; c < cols; ++c) {
        expected[size_t(indices[i]) * cols + c] += g[size_t(i) * cols + c];
        ascending[size_t(indices[i]) * cols + c] += g[size_t(i) * cols + c];
      }
  Error e;
  size_t unequal = 0;
  for (size_t i = 0; i < gw.size(); ++i) {
    e.add(expected[i], gw[i]);
    unequal += std::memcmp(&ascending[i], &gw[i], sizeof(float)) != 0;
  }
  std::printf("embedding gradient %d x %d, %d indices below %d: %.2e, %zu elements not the ascending sum\n", rows, cols, n,
              ids, e.relative(), unequal);
  return e.relative() <= 1e-5 && unequal == 0;
}

// x (outer, mid, inner, cols) summed over outer and inner, against the sum in double.
bool partial_sums(int outer, int mid, int inner, int cols) {
  std::mt19937 random(static_cast<unsigned>(outer * 31 + mid * 7 + inner * 3 + cols));
  std::normal_distribution<float> normal;
  std::vector<float> x(size_t(outer) * mid * inner * cols), out(size_t(mid) * cols, NAN);
  for (auto& v : x) v = normal(random);
  const int column_blocks = (cols + 31) / 32;
  dt_emulation::launch(column_blocks * mid, 32 * kSumSlices, 32 * 33 * sizeof(float), [&] {
    sum_partials_kernel(x.data(), outer, mid, inner, cols, column_blocks, out.data());
  });
  Error e;
  for (int m = 0; m < mid; ++m)
    for (int c = 0; c < cols; ++c) {
      double sum = 0;
      for (int a = 0; a < outer; ++a)
        for (int p = 0; p < inner; ++p) sum += x[((size_t(a) * mid + m) * inner + p) * cols + c];
      e.add(sum, out[size_t(m) * cols + c]);
    }
  std::printf("partial sums (%d, %d, %d, %d): %.2e\n", outer, mid, inner, cols, e.relative());
  return e.relative() <= 1e-5;
}

}  // namespace

int main() {
  bool ok = true;
  ok &= scaled_rows(37, 48, 19.6f);    // four columns at a time, a partial block of rows
  ok &= scaled_rows(9, 45, 0.5f);      // a column at a time
  ok &= embedding(200, 48, 300, 200);       // several blocks, indices past one word of bits
  ok &= embedding(130, 45, 1000, 130);      // a column at a time, the last block partial
  ok &= embedding(70, 8, 1, 70);            // one index
  ok &= embedding(100, 12, 5000, 64);       // every index in the first block: three chunks of its list
  ok &= embedding(300, 4, 3000, 5);         // five rows named ~600 times each (one chunk, some rows spanning two)
  ok &= partial_sums(1, 1, 77, 40);    // the residual's and SwiGLU's (parts, cols): a partial column block, 77 rows
  ok &= partial_sums(3, 2, 5, 33);     // the rotary's (B, H, parts, d) over B and parts
  ok &= partial_sums(1, 1, 3, 1);      // a scalar's parts: fewer rows than warps
  return ok ? 0 : 1;
}
