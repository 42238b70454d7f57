// attention_kernels.cu's kernels run on the CPU (cuda_emulation.h) against the causal softmax attention written out in
// double: prints each output's relative error ‖kernel − reference‖ / ‖reference‖ per size, exits 1 if any exceeds
// 1e-5. Built and run by CausalAttentionTests (g++ -std=c++20 -DDT_CUDA_EMULATION).
#include "attention_kernels.cu"

#include "relative_error.h"

#include <cstdio>
#include <random>

namespace {

using namespace dt_attention;

HeadOperand operand(const float* data, int64_t s0, int64_t s1, int64_t s2, int64_t s3, int dim) {
  const bool by4 = dim % 4 == 0 && s3 == 1 && s0 % 4 == 0 && s1 % 4 == 0 && s2 % 4 == 0 &&
                   reinterpret_cast<uintptr_t>(data) % 16 == 0;
  return {HeadTensor{data, {s0, s1, s2, s3}}, by4};
}

// q, k (B, H, T, d) contiguous; v a slice of a (B, T, 3C) product, as nGPT's; ∂out laid out (B, T, H, d).
template <int NS>
bool check(int batch, int heads, int time, int dim, float scale) {
  const int c = heads * dim;
  std::mt19937 random(static_cast<unsigned>(time * 131 + dim));
  std::normal_distribution<float> normal;
  auto fill = [&](std::vector<float>& x, float s) { for (auto& e : x) e = s * normal(random); };
  std::vector<float> q(batch * heads * time * dim), k(q.size()), qkv(batch * time * 3 * c), g(q.size());
  fill(q, 0.3f), fill(k, 0.3f), fill(qkv, 1.f), fill(g, 1.f);
  const size_t n = q.size();
  std::vector<float> out(n, NAN), lse(batch * heads * time, NAN), gq(n, NAN), gk(n, NAN), gv(n, NAN);
  const auto qo = operand(q.data(), heads * time * dim, time * dim, dim, 1, dim);
  const auto ko = operand(k.data(), heads * time * dim, time * dim, dim, 1, dim);
  const auto vo = operand(qkv.data() + 2 * c, time * 3 * c, dim, 3 * c, 1, dim);
  const auto go = operand(g.data(), time * c, dim, c, 1, dim);
  const auto oo = operand(out.data(), time * c, dim, c, 1, dim);
  dt_emulation::launch(batch * heads, kThreads, forward_shared_bytes(dim),
                       [&] { forward_kernel<NS>(qo, ko, vo, heads, time, dim, scale, out.data(), lse.data()); });
  dt_emulation::launch(batch * heads, kThreads, backward_shared_bytes(dim), [&] {
    backward_kernel<NS>(qo, ko, vo, go, oo, lse.data(), heads, time, dim, scale, gq.data(), gk.data(), gv.data());
  });

  Error e_out, e_q, e_k, e_v;
  for (int b = 0; b < batch; ++b)
    for (int h = 0; h < heads; ++h) {
      auto Q = [&](int t, int x) { return double(q[((b * heads + h) * time + t) * dim + x]); };
      auto K = [&](int t, int x) { return double(k[((b * heads + h) * time + t) * dim + x]); };
      auto V = [&](int t, int x) { return double(qkv[(b * time + t) * 3 * c + 2 * c + h * dim + x]); };
      auto G = [&](int t, int x) { return double(g[((b * time + t) * heads + h) * dim + x]); };
      auto at = [&](int t, int x) { return ((size_t(b) * time + t) * heads + h) * dim + x; };
      std::vector<double> p(time * time, 0), ds(time * time, 0), o(time * dim, 0);
      for (int i = 0; i < time; ++i) {
        std::vector<double> s(i + 1);
        double m = -INFINITY, l = 0;
        for (int j = 0; j <= i; ++j) {
          double dot = 0;
          for (int x = 0; x < dim; ++x) dot += Q(i, x) * K(j, x);
          s[j] = scale * dot;
          m = std::max(m, s[j]);
        }
        for (int j = 0; j <= i; ++j) l += std::exp(s[j] - m);
        for (int j = 0; j <= i; ++j) p[i * time + j] = std::exp(s[j] - m) / l;
        for (int x = 0; x < dim; ++x) {
          for (int j = 0; j <= i; ++j) o[i * dim + x] += p[i * time + j] * V(j, x);
          e_out.add(o[i * dim + x], out[at(i, x)]);
        }
      }
      for (int i = 0; i < time; ++i) {
        double d = 0;
        for (int x = 0; x < dim; ++x) d += G(i, x) * o[i * dim + x];
        for (int j = 0; j <= i; ++j) {
          double dp = 0;
          for (int x = 0; x < dim; ++x) dp += G(i, x) * V(j, x);
          ds[i * time + j] = p[i * time + j] * (dp - d);
        }
      }
      for (int t = 0; t < time; ++t)
        for (int x = 0; x < dim; ++x) {
          double dq = 0, dk = 0, dv = 0;
          for (int j = 0; j <= t; ++j) dq += scale * ds[t * time + j] * K(j, x);
          for (int i = t; i < time; ++i) {
            dk += scale * ds[i * time + t] * Q(i, x);
            dv += p[i * time + t] * G(i, x);
          }
          e_q.add(dq, gq[at(t, x)]), e_k.add(dk, gk[at(t, x)]), e_v.add(dv, gv[at(t, x)]);
        }
    }
  double g_norm = 0;
  for (float e : g) g_norm += double(e) * e;
  // ∂q and ∂k are exactly 0 at T = 1 (a softmax over one score is constant), where float32 leaves rounding of dp − D,
  // not an error of the kernel: their errors are measured against at least a tenth of ∂out's norm.
  const double floor = 0.1 * std::sqrt(g_norm);
  const double worst = std::max({e_out.relative(), e_q.relative(floor), e_k.relative(floor), e_v.relative(floor)});
  std::printf("(%d, %d, %d, %d): out %.3g, dq %.3g, dk %.3g, dv %.3g (reference norms: dq %.3g, dk %.3g, dv %.3g; "
              "a tenth of dout's %.3g)\n", batch, heads, time, dim, e_out.relative(), e_q.relative(floor),
              e_k.relative(floor), e_v.relative(floor), std::sqrt(e_q.norm), std::sqrt(e_k.norm), std::sqrt(e_v.norm), floor);
  return worst <= 1e-5;
}

}  // namespace

int main() {
  bool ok = true;
  ok &= check<3>(1, 2, 128, 48, 6.93f);   // nGPT's seed shape, two heads
  ok &= check<2>(3, 5, 37, 20, 4.47f);    // the GPU check's odd sizes
  ok &= check<1>(2, 3, 1, 8, 2.83f);
  ok &= check<4>(2, 2, 128, 64, 8.f);
  ok &= check<3>(1, 2, 65, 44, 6.6f);     // a row past the first group, d not a multiple of 16
  return ok ? 0 : 1;
}
