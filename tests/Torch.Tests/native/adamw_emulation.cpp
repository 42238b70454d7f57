// adamw_kernels.cu's kernel runs on the CPU (cuda_emulation.h) against AdamW and the projection written out in double:
// prints each output's relative error ‖kernel − reference‖ / ‖reference‖ per case, exits 1 if any exceeds 1e-5. Built
// and run by AdamWProjectionTests (g++ -std=c++20 -DDT_CUDA_EMULATION).
#include "adamw_kernels.cu"

#include "relative_error.h"

#include <cstdio>
#include <random>

namespace {

using namespace dt_adamw;

struct Matrix {
  int rows, cols;
  bool by_columns;
  std::vector<float> p, g, m, v;
};

// One launch over the matrices (each a (rows, cols, by_columns) case) at step t, the rate on the device or as a value.
bool step(const std::vector<Matrix>& shapes, float t, bool lr_on_device, bool with_deviation) {
  const float lr = 3e-3f, beta1 = 0.9f, beta2 = 0.95f, wd = 0.1f, eps = 1e-8f;
  std::mt19937 random(static_cast<unsigned>(shapes.size() * 31 + shapes[0].rows));
  std::normal_distribution<float> normal;
  std::vector<Matrix> mats = shapes;
  Batch batch{};
  for (auto& mat : mats) {
    const size_t n = size_t(mat.rows) * mat.cols;
    for (auto* a : {&mat.p, &mat.g, &mat.m}) {
      a->resize(n);
      for (auto& x : *a) x = normal(random);
    }
    mat.v.resize(n);
    for (auto& x : mat.v) x = std::abs(normal(random)) * 0.1f;
    batch.matrices[batch.count++] = {mat.p.data(), mat.g.data(), mat.m.data(), mat.v.data(), mat.rows, mat.cols, mat.by_columns ? 1 : 0};
  }
  if (dt_unit_blocks::deal(batch.matrices, batch.count, kWarps, kWarp, batch.first_block) != nullptr) return false;
  const int blocks = batch.first_block[batch.count];
  const std::vector<Matrix> before = mats;
  float step_count = t, rate = lr, deviation = 0.f;
  const Hyper hyper{&step_count, lr_on_device ? &rate : nullptr, lr_on_device ? -1.f : lr, beta1, beta2, wd, eps};
  dt_emulation::launch(blocks, kThreads, kSharedFloats * sizeof(float),
                       [&] { unit_step_kernel(batch, hyper, with_deviation ? &deviation : nullptr); });

  Error e_p, e_m, e_v, e_dev;
  double expected_deviation = 0;
  const double bc1 = 1 - std::pow(double(beta1), t), bc2 = 1 - std::pow(double(beta2), t);
  for (size_t k = 0; k < mats.size(); ++k) {
    const Matrix &a = before[k], &out = mats[k];
    const int vectors = a.by_columns ? a.cols : a.rows, length = a.by_columns ? a.rows : a.cols;
    for (int u = 0; u < vectors; ++u) {
      std::vector<double> p(length);
      double squares = 0;
      for (int e = 0; e < length; ++e) {
        const size_t i = a.by_columns ? size_t(e) * a.cols + u : size_t(u) * a.cols + e;
        const double g = a.g[i];
        const double m = beta1 * double(a.m[i]) + (1 - double(beta1)) * g;
        const double v = beta2 * double(a.v[i]) + (1 - double(beta2)) * g * g;
        p[e] = a.p[i] * (1 - double(lr) * wd) - (lr / bc1) * m / (std::sqrt(v) / std::sqrt(bc2) + eps);
        squares += p[e] * p[e];
        e_m.add(m, out.m[i]);
        e_v.add(v, out.v[i]);
      }
      const double norm = std::sqrt(squares);
      expected_deviation += std::abs(norm - 1);
      for (int e = 0; e < length; ++e) {
        const size_t i = a.by_columns ? size_t(e) * a.cols + u : size_t(u) * a.cols + e;
        e_p.add(p[e] / norm, out.p[i]);
      }
    }
  }
  if (with_deviation) e_dev.add(expected_deviation, deviation);
  std::printf("adamw + projection, %zu matrices (first %d x %d by %s), t %g, lr %s: p %.2e, m %.2e, v %.2e, deviation %.2e\n",
              mats.size(), mats[0].rows, mats[0].cols, mats[0].by_columns ? "columns" : "rows", t,
              lr_on_device ? "on the device" : "a value", e_p.relative(), e_m.relative(), e_v.relative(), e_dev.relative());
  return std::max({e_p.relative(), e_m.relative(), e_v.relative(), e_dev.relative()}) <= 1e-5;
}

}  // namespace

int main() {
  bool ok = true;
  // nGPT's kinds at small sizes: rows (embedding, q/k/v, uv), columns (attention out, MLP out), in one launch.
  ok &= step({{50, 64, false}, {64, 64, false}, {64, 64, true}, {64, 96, true}}, 1.f, true, true);
  // A partial block of rows, rows shorter than a warp and than a batch; a partial block of columns, fewer rows than warps.
  ok &= step({{13, 37, false}, {9, 5, false}, {7, 45, true}, {3, 33, true}}, 7.f, false, true);
  // Rows longer than a batch of a warp's elements (128), rows past what a warp keeps in registers (512: stored, then
  // divided), columns of many rows; no deviation asked for.
  ok &= step({{5, 300, false}, {3, 600, false}, {200, 40, true}}, 1000.f, true, false);
  return ok ? 0 : 1;
}
