// The short-sequence causal attention kernels (attention_kernels.cu) as an ATen operation with its gradient: argument
// checks, outputs allocated on the current stream, the row log-sum-exps kept for the backward.
#include "attention.h"

#include "attention_kernels.h"

#include <ATen/ATen.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/csrc/autograd/custom_function.h>

#include <stdexcept>
#include <string>

namespace dt_attention {
namespace {

void check(const char* error, const char* what) {
  if (error != nullptr) throw std::runtime_error(std::string(what) + ": " + error);
}

void* current_stream(const at::Tensor& t) { return c10::cuda::getCurrentCUDAStream(t.device().index()).stream(); }

HeadTensor head(const at::Tensor& x) {
  return {x.data_ptr<float>(), {x.stride(0), x.stride(1), x.stride(2), x.stride(3)}};
}

struct CausalAttention : public torch::autograd::Function<CausalAttention> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k,
                            const at::Tensor& v, double scale) {
    const int64_t batch = q.size(0), heads = q.size(1), time = q.size(2), dim = q.size(3);
    const c10::cuda::CUDAGuard guard(q.device());
    auto out = at::empty({batch, time, heads, dim}, q.options());
    auto lse = at::empty({batch, heads, time}, q.options());
    check(causal_attention_forward(head(q), head(k), head(v), batch, heads, time, dim, static_cast<float>(scale),
                                   out.data_ptr<float>(), lse.data_ptr<float>(), current_stream(q)),
          "fused causal attention (forward)");
    ctx->save_for_backward({q, k, v});
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["out"] = out;
    ctx->saved_data["lse"] = lse;
    return out.transpose(1, 2);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    const auto saved = ctx->get_saved_variables();
    const auto &q = saved[0], &k = saved[1], &v = saved[2];
    const auto out = ctx->saved_data["out"].toTensor(), lse = ctx->saved_data["lse"].toTensor();
    const auto scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
    auto g = grads[0];
    if (g.scalar_type() != at::kFloat) g = g.to(at::kFloat);   // read through its strides, broadcasts included
    const int64_t batch = q.size(0), heads = q.size(1), time = q.size(2), dim = q.size(3);
    const c10::cuda::CUDAGuard guard(q.device());
    auto grad_q = at::empty({batch, time, heads, dim}, q.options());
    auto grad_k = at::empty_like(grad_q), grad_v = at::empty_like(grad_q);
    check(causal_attention_backward(head(q), head(k), head(v), head(g), out.data_ptr<float>(), lse.data_ptr<float>(),
                                    batch, heads, time, dim, scale, grad_q.data_ptr<float>(), grad_k.data_ptr<float>(),
                                    grad_v.data_ptr<float>(), current_stream(q)),
          "fused causal attention (backward)");
    return {grad_q.transpose(1, 2), grad_k.transpose(1, 2), grad_v.transpose(1, 2), at::Tensor()};
  }
};

}  // namespace

at::Tensor causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale) {
  if (!q.is_cuda() || k.device() != q.device() || v.device() != q.device())
    throw std::invalid_argument("fused causal attention: q, k and v must be on one CUDA device");
  if (q.scalar_type() != at::kFloat || k.scalar_type() != at::kFloat || v.scalar_type() != at::kFloat)
    throw std::invalid_argument("fused causal attention: q, k and v must be float32");
  if (q.dim() != 4 || k.sizes() != q.sizes() || v.sizes() != q.sizes())
    throw std::invalid_argument("fused causal attention: q, k and v must have one shape (B, H, T, d)");
  if (q.size(2) < 1 || q.size(2) > kMaxTime || q.size(3) < 1 || q.size(3) > kMaxDim || q.size(0) < 1 || q.size(1) < 1)
    throw std::invalid_argument("fused causal attention: T must be 1 to 128 and d 1 to 64, B and H at least 1");
  return CausalAttention::apply(q, k, v, scale);
}

}  // namespace dt_attention
