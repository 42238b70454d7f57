// The table-row kernels (row_kernels.cu) as ATen operations with their gradients: argument checks, outputs allocated on
// the tensors' device, launches on its current stream.
#include "rows.h"

#include "row_kernels.h"

#include <ATen/ATen.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/csrc/autograd/custom_function.h>

#include <atomic>
#include <stdexcept>
#include <string>

namespace dt_rows {
namespace {

void check(const char* error, const char* what) {
  if (error != nullptr) throw std::runtime_error(std::string(what) + ": " + error);
}

void* current_stream(const at::Tensor& t) { return c10::cuda::getCurrentCUDAStream(t.device().index()).stream(); }

struct ScaledRows : public torch::autograd::Function<ScaledRows> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& w, const at::Tensor& s, double k) {
    const c10::cuda::CUDAGuard guard(w.device());
    const auto wc = w.contiguous(), sc = s.contiguous();
    auto out = at::empty_like(wc);
    check(scaled_rows_forward(wc.data_ptr<float>(), sc.data_ptr<float>(), static_cast<float>(k), out.data_ptr<float>(),
                              wc.size(0), wc.size(1), current_stream(wc)),
          "scaled rows (forward)");
    ctx->save_for_backward({wc, sc});
    ctx->saved_data["k"] = k;
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor()};
    const auto saved = ctx->get_saved_variables();
    const auto &w = saved[0], &s = saved[1];
    const auto k = static_cast<float>(ctx->saved_data["k"].toDouble());
    const c10::cuda::CUDAGuard guard(w.device());
    const auto g = grads[0].to(at::kFloat).contiguous();
    auto grad_w = at::empty_like(w), grad_s = at::empty_like(s);
    check(scaled_rows_backward(w.data_ptr<float>(), s.data_ptr<float>(), k, g.data_ptr<float>(), grad_w.data_ptr<float>(),
                               grad_s.data_ptr<float>(), w.size(0), w.size(1), current_stream(w)),
          "scaled rows (backward)");
    return {grad_w, grad_s, at::Tensor()};
  }
};

struct Embedding : public torch::autograd::Function<Embedding> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& weight, const at::Tensor& indices) {
    ctx->save_for_backward({indices});
    ctx->saved_data["rows"] = weight.size(0);
    return at::embedding(weight, indices);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor()};
    const auto indices = ctx->get_saved_variables()[0].contiguous();
    const int64_t rows = ctx->saved_data["rows"].toInt(), n = indices.numel();
    const auto& grad = grads[0];
    const int64_t cols = grad.size(-1);
    if (n > kMaxEmbeddingIndices || grad.scalar_type() != at::kFloat)
      return {at::embedding_dense_backward(grad, indices, rows, -1, false), at::Tensor()};
    const c10::cuda::CUDAGuard guard(grad.device());
    const auto g = grad.reshape({n, cols}).contiguous();
    auto grad_weight = at::empty({rows, cols}, g.options());
    check(embedding_backward(indices.data_ptr<int64_t>(), n, g.data_ptr<float>(), rows, cols,
                             grad_weight.data_ptr<float>(), current_stream(g)),
          "embedding (backward)");
    return {grad_weight, at::Tensor()};
  }
};

}  // namespace

at::Tensor scaled_rows(const at::Tensor& w, const at::Tensor& s, double k) {
  if (!w.is_cuda() || s.device() != w.device())
    throw std::invalid_argument("scaled rows: w and s must be on one CUDA device");
  if (w.scalar_type() != at::kFloat || s.scalar_type() != at::kFloat)
    throw std::invalid_argument("scaled rows: w and s must be float32");
  if (w.dim() != 2 || s.dim() != 1 || s.size(0) != w.size(0))
    throw std::invalid_argument("scaled rows: w must be (V, C) and s (V)");
  return ScaledRows::apply(w, s, k);
}

at::Tensor embedding(const at::Tensor& weight, const at::Tensor& indices) {
  if (!weight.is_cuda() || indices.device() != weight.device())
    throw std::invalid_argument("embedding: weight and indices must be on one CUDA device");
  if (weight.scalar_type() != at::kFloat || indices.scalar_type() != at::kLong || weight.dim() != 2)
    throw std::invalid_argument("embedding: weight must be (V, C) float32 and indices int64");
  return Embedding::apply(weight, indices);
}


namespace {
std::atomic<bool> partial_sums_on{false};
}

void use_partial_sums_kernel(bool on) { partial_sums_on.store(on); }

bool partial_sums_kernel_on() { return partial_sums_on.load(); }

at::Tensor sum_partials(const at::Tensor& x) {
  if (!x.is_cuda() || x.scalar_type() != at::kFloat || x.dim() != 4)
    throw std::invalid_argument("sum of partials: x must be (outer, mid, inner, cols) float32 on a CUDA device");
  const c10::cuda::CUDAGuard guard(x.device());
  const auto xc = x.contiguous();
  auto out = at::empty({x.size(1), x.size(3)}, xc.options());
  check(dt_rows::sum_partials(xc.data_ptr<float>(), x.size(0), x.size(1), x.size(2), x.size(3), out.data_ptr<float>(),
                              current_stream(xc)),
        "sum of partials");
  return out;
}

}  // namespace dt_rows
