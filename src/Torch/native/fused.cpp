// The fused CUDA kernels (fused_kernels.cu) as ATen operations: argument checks, output allocation on the current
// stream, and the normalised residual update as a torch::autograd::Function, so that gradients flow through it.
// Compiled only into builds with DT_WITH_FUSED_KERNELS (build.sh: nvcc and CUDA libtorch present); dashtorch.cpp's
// dt_fused_* entry points call these. The ATen references they must agree with are in src/Torch/Fused.cs.
#include "fused.h"

#include "fused_kernels.h"
#include "rows.h"

#include <ATen/ATen.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dt_fused {
namespace {

// The kernels' element type of a dtype, or -1 where they have none (float64 and the rest).
int32_t element_type(c10::ScalarType t) {
  switch (t) {
    case at::kFloat: return kFloat32;
    case at::kBFloat16: return kBFloat16;
    case at::kHalf: return kFloat16;
    default: return -1;
  }
}

void check(const char* error, const char* what) {
  if (error != nullptr) throw std::runtime_error(std::string(what) + ": " + error);
}

void* current_stream(const at::Tensor& t) { return c10::cuda::getCurrentCUDAStream(t.device().index()).stream(); }

// A parameter's gradient from a kernel's per-block partials x, viewed as (outer, mid, inner, cols): the sum over outer
// and inner, (mid, cols). By row_kernels' sum_partials where Fused.cs has turned it on (one launch; ATen's sum over these
// few hundred rows is latency-bound, ~10 µs in the fp32 profile), else by `aten`, the ATen sum the kernels were checked with.
template <typename AtenSum>
at::Tensor sum_partials(const at::Tensor& x, int64_t outer, int64_t mid, int64_t inner, int64_t cols, AtenSum aten) {
  if (!dt_rows::partial_sums_kernel_on()) return aten();
  return dt_rows::sum_partials(x.view({outer, mid, inner, cols}));
}

void check_normalized_residual(const at::Tensor& h, const at::Tensor& u, const at::Tensor& alpha) {
  if (!h.is_cuda() || !u.is_cuda() || !alpha.is_cuda() || h.device() != u.device() || h.device() != alpha.device())
    throw std::invalid_argument("fused normalized residual: h, u and alpha must be on one CUDA device");
  if (h.dim() < 1 || h.sizes() != u.sizes())
    throw std::invalid_argument("fused normalized residual: h and u must have one shape (..., C)");
  if (element_type(h.scalar_type()) < 0 || element_type(u.scalar_type()) < 0)
    throw std::invalid_argument("fused normalized residual: h and u must be float32, bfloat16 or float16");
  const int64_t cols = h.size(-1);
  if (cols < 1) throw std::invalid_argument("fused normalized residual: the last dimension is empty");
  if (alpha.dim() > 1 || (alpha.numel() != 1 && alpha.numel() != cols))
    throw std::invalid_argument("fused normalized residual: alpha must have shape (C) or (1)");
}

// h ← Norm(h + α(Norm(u) − h)), h first normalised too, α = k·s or |k·s| from the stored s; see fused_kernels.h.
struct NormalizedResidual : public torch::autograd::Function<NormalizedResidual> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& h, const at::Tensor& u,
                            const at::Tensor& alpha, double multiplier, bool absolute) {
    const int64_t cols = h.size(-1), rows = h.numel() / cols;
    const auto hc = h.contiguous(), uc = u.contiguous();
    const auto af = alpha.to(at::kFloat).contiguous();
    // The reference's dtype: the promotion of h, u and α (α is a tensor of one dimension, so it counts in full).
    const auto out_type = c10::promoteTypes(c10::promoteTypes(h.scalar_type(), u.scalar_type()), alpha.scalar_type());
    if (element_type(out_type) < 0) throw std::invalid_argument("fused normalized residual: unsupported result dtype");
    c10::cuda::CUDAGuard guard(h.device());
    auto out = at::empty(h.sizes(), h.options().dtype(out_type));
    auto norms = at::empty({rows, 3}, h.options().dtype(at::kFloat));
    check(normalized_residual_forward(hc.data_ptr(), element_type(hc.scalar_type()), uc.data_ptr(),
                                      element_type(uc.scalar_type()), af.data_ptr<float>(), af.numel() == 1 ? 0 : 1,
                                      static_cast<float>(multiplier), absolute ? 1 : 0, out.data_ptr(),
                                      element_type(out_type), norms.data_ptr<float>(), rows, cols, current_stream(h)),
          "fused normalized residual (forward)");
    ctx->save_for_backward({h, u, alpha});
    ctx->saved_data["norms"] = norms;
    ctx->saved_data["multiplier"] = multiplier;
    ctx->saved_data["absolute"] = absolute;
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    // The output was not used; no gradients for the multiplier and the absolute flag either way.
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    const auto saved = ctx->get_saved_variables();
    const auto hc = saved[0].contiguous(), uc = saved[1].contiguous();
    const auto& alpha = saved[2];
    const auto af = alpha.to(at::kFloat).contiguous();
    const auto norms = ctx->saved_data["norms"].toTensor();
    const auto multiplier = static_cast<float>(ctx->saved_data["multiplier"].toDouble());
    const bool absolute = ctx->saved_data["absolute"].toBool();
    auto g = grads[0].contiguous();
    if (element_type(g.scalar_type()) < 0) g = g.to(at::kFloat);
    const int64_t cols = hc.size(-1), rows = hc.numel() / cols;
    const bool vector = af.numel() != 1;
    c10::cuda::CUDAGuard guard(hc.device());
    auto grad_h = at::empty_like(hc), grad_u = at::empty_like(uc);
    const int64_t parts = normalized_residual_alpha_parts(rows, cols);
    auto grad_alpha_rows = vector ? at::empty({parts, cols}, hc.options().dtype(at::kFloat))
                                  : at::empty({parts}, hc.options().dtype(at::kFloat));
    check(normalized_residual_backward(hc.data_ptr(), element_type(hc.scalar_type()), uc.data_ptr(),
                                       element_type(uc.scalar_type()), af.data_ptr<float>(), vector ? 1 : 0,
                                       multiplier, absolute ? 1 : 0, g.data_ptr(), element_type(g.scalar_type()),
                                       norms.data_ptr<float>(),
                                       grad_h.data_ptr(), grad_u.data_ptr(), grad_alpha_rows.data_ptr<float>(), rows,
                                       cols, current_stream(hc)),
          "fused normalized residual (backward)");
    // The rows' parts are ∂L/∂s already (the kernel applied ∂α/∂s), so one sum and no further op.
    auto grad_alpha = sum_partials(grad_alpha_rows, 1, 1, parts, vector ? cols : 1, [&] {
                        return vector ? grad_alpha_rows.sum(0) : grad_alpha_rows.sum();
                      }).reshape(alpha.sizes()).to(alpha.scalar_type());
    return {grad_h, grad_u, grad_alpha, at::Tensor(), at::Tensor()};
  }
};

// (k s_u ⊙ u) ⊙ SiLU(k s_v ⊙ v) for uv = [u | v] (..., 2F), s = [s_u | s_v] (2F) stored; see fused_kernels.h.
struct ScaledSwiglu : public torch::autograd::Function<ScaledSwiglu> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& uv, const at::Tensor& scale,
                            double multiplier) {
    const int64_t f = uv.size(-1) / 2, rows = uv.numel() / (2 * f);
    const auto uvc = uv.contiguous();
    const auto sf = scale.to(at::kFloat).contiguous();
    const auto out_type = c10::promoteTypes(uv.scalar_type(), scale.scalar_type());
    if (element_type(out_type) < 0) throw std::invalid_argument("fused scaled SwiGLU: unsupported result dtype");
    c10::cuda::CUDAGuard guard(uv.device());
    auto sizes = uv.sizes().vec();
    sizes.back() = f;
    auto out = at::empty(sizes, uv.options().dtype(out_type));
    check(scaled_swiglu_forward(uvc.data_ptr(), element_type(uvc.scalar_type()), sf.data_ptr<float>(),
                                static_cast<float>(multiplier), out.data_ptr(), element_type(out_type), rows, f,
                                current_stream(uv)),
          "fused scaled SwiGLU (forward)");
    ctx->save_for_backward({uvc, scale});
    ctx->saved_data["multiplier"] = multiplier;
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor()};
    const auto saved = ctx->get_saved_variables();
    const auto &uv = saved[0], &scale = saved[1];
    const auto multiplier = static_cast<float>(ctx->saved_data["multiplier"].toDouble());
    const auto sf = scale.to(at::kFloat).contiguous();
    auto g = grads[0].contiguous();
    if (element_type(g.scalar_type()) < 0) g = g.to(at::kFloat);
    const int64_t f = uv.size(-1) / 2, rows = uv.numel() / (2 * f);
    c10::cuda::CUDAGuard guard(uv.device());
    auto grad_uv = at::empty_like(uv);
    auto grad_scale_chunks = at::empty({kScaledSwigluRowChunks, 2 * f}, uv.options().dtype(at::kFloat));
    check(scaled_swiglu_backward(uv.data_ptr(), element_type(uv.scalar_type()), sf.data_ptr<float>(), multiplier,
                                 g.data_ptr(), element_type(g.scalar_type()), grad_uv.data_ptr(),
                                 grad_scale_chunks.data_ptr<float>(), rows, f, current_stream(uv)),
          "fused scaled SwiGLU (backward)");
    auto grad_scale = sum_partials(grad_scale_chunks, 1, 1, kScaledSwigluRowChunks, 2 * f,
                                   [&] { return grad_scale_chunks.sum(0); });
    return {grad_uv, grad_scale.reshape(scale.sizes()).to(scale.scalar_type()), at::Tensor()};
  }
};

// Whether no two elements of x share memory: with the dimensions sorted by stride, each stride passes the furthest
// element the smaller ones reach (a sufficient test; a slice of a wider tensor passes, a broadcast does not).
bool non_overlapping(const at::Tensor& x) {
  std::vector<std::pair<int64_t, int64_t>> dims;   // (stride, size) of the dimensions longer than one
  for (int64_t d = 0; d < x.dim(); ++d)
    if (x.size(d) > 1) dims.emplace_back(x.stride(d), x.size(d));
  std::sort(dims.begin(), dims.end());
  int64_t reach = 0;                                // the furthest offset the dimensions so far reach
  for (const auto& [stride, size] : dims) {
    if (stride <= reach) return false;
    reach += stride * (size - 1);
  }
  return true;
}

// Strides that lay x's elements out densely in x's own dimension order (the innermost dimension the one of smallest
// stride): for a slice of a wider tensor, the slice's layout without the gaps.
std::vector<int64_t> dense_strides_like(const at::Tensor& x) {
  std::vector<int64_t> order(x.dim()), strides(x.dim());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return x.stride(a) > x.stride(b); });
  int64_t next = 1;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    strides[*it] = next;
    next *= std::max<int64_t>(x.size(*it), 1);
  }
  return strides;
}

RotaryShape rotary_shape(const at::Tensor& x, const at::Tensor& g = at::Tensor(), const at::Tensor& grad_x = at::Tensor()) {
  RotaryShape shape{x.size(0), x.size(1), x.size(2), x.size(3), {x.stride(0), x.stride(1), x.stride(2), x.stride(3)}, {}, {}};
  for (int i = 0; i < 4; ++i) {
    if (g.defined()) shape.g_strides[i] = g.stride(i);
    if (grad_x.defined()) shape.gx_strides[i] = grad_x.stride(i);
  }
  return shape;
}

// (k·scale) ⊙ Norm(RoPE(x)) for x (B, H, T, d); see fused_kernels.h. cos, sin: (≥ T, d); scale: H·d elements.
struct RotaryNormalize : public torch::autograd::Function<RotaryNormalize> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& cos,
                            const at::Tensor& sin, const at::Tensor& scale, double multiplier) {
    const int64_t time = x.size(2), dim = x.size(3);
    const auto c = cos.narrow(0, 0, time).to(at::kFloat).contiguous();
    const auto s = sin.narrow(0, 0, time).to(at::kFloat).contiguous();
    const auto sc = scale.to(at::kFloat).contiguous();
    const auto out_type = c10::promoteTypes(x.scalar_type(), scale.scalar_type());
    if (element_type(out_type) < 0) throw std::invalid_argument("fused rotary normalize: unsupported result dtype");
    c10::cuda::CUDAGuard guard(x.device());
    auto out = at::empty({x.size(0), x.size(1), time, dim}, x.options().dtype(out_type));
    auto norms = at::empty({x.size(0) * x.size(1) * time}, x.options().dtype(at::kFloat));
    check(rotary_normalize_forward(x.data_ptr(), element_type(x.scalar_type()), rotary_shape(x), c.data_ptr<float>(),
                                   s.data_ptr<float>(), sc.data_ptr<float>(), static_cast<float>(multiplier),
                                   out.data_ptr(), element_type(out_type), norms.data_ptr<float>(), current_stream(x)),
          "fused rotary normalize (forward)");
    ctx->save_for_backward({x, scale});
    ctx->saved_data["multiplier"] = multiplier;
    ctx->saved_data["cos"] = c;
    ctx->saved_data["sin"] = s;
    ctx->saved_data["norms"] = norms;
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    const auto saved = ctx->get_saved_variables();
    const auto& x = saved[0];
    const auto& scale = saved[1];
    const auto multiplier = static_cast<float>(ctx->saved_data["multiplier"].toDouble());
    const auto sc = scale.to(at::kFloat).contiguous();
    const auto c = ctx->saved_data["cos"].toTensor(), s = ctx->saved_data["sin"].toTensor();
    const auto norms = ctx->saved_data["norms"].toTensor();
    // The paired kernels read ∂L/∂out through its strides (attention's backward gives q's gradient transposed); the
    // per-row ones want it contiguous.
    auto g = grads[0];
    if (element_type(g.scalar_type()) < 0) g = g.to(at::kFloat);
    if (x.size(3) > kRotaryPairedMaxDim || !non_overlapping(g)) g = g.contiguous();
    const int64_t batch = x.size(0), heads = x.size(1), dim = x.size(3);
    c10::cuda::CUDAGuard guard(x.device());
    // x's dimension order, dense: for nGPT's q and k, (B, H, T, d) views of a (B, T, 3C) product, a (B, T, C) gradient
    // that the product's backward (a cat of q's, k's and v's) copies as contiguous rows, not as rows with gaps.
    auto grad_x = at::empty_strided(x.sizes(), dense_strides_like(x), x.options());
    const RotaryShape shape = rotary_shape(x, g, grad_x);
    auto grad_scale_rows = at::empty({batch, heads, rotary_scale_parts_time(shape), dim}, x.options().dtype(at::kFloat));
    check(rotary_normalize_backward(x.data_ptr(), element_type(x.scalar_type()), shape, c.data_ptr<float>(),
                                    s.data_ptr<float>(), sc.data_ptr<float>(), multiplier, g.data_ptr(),
                                    element_type(g.scalar_type()), norms.data_ptr<float>(), grad_x.data_ptr(),
                                    grad_scale_rows.data_ptr<float>(), current_stream(x)),
          "fused rotary normalize (backward)");
    auto grad_scale = sum_partials(grad_scale_rows, batch, heads, rotary_scale_parts_time(shape), dim, [&] {
                        return grad_scale_rows.sum(at::IntArrayRef{0, 2});
                      }).reshape(scale.sizes()).to(scale.scalar_type());
    return {grad_x, at::Tensor(), at::Tensor(), grad_scale, at::Tensor()};
  }
};

}  // namespace

at::Tensor rotary_normalize(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& scale,
                            double scale_multiplier) {
  if (!x.is_cuda() || x.device() != cos.device() || x.device() != sin.device() || x.device() != scale.device())
    throw std::invalid_argument("fused rotary normalize: x, cos, sin and scale must be on one CUDA device");
  if (x.dim() != 4 || x.size(3) < 2 || x.size(3) % 2 != 0)
    throw std::invalid_argument("fused rotary normalize: x must be (B, H, T, d) with d even");
  if (element_type(x.scalar_type()) < 0) throw std::invalid_argument("fused rotary normalize: x must be float32, bfloat16 or float16");
  if (cos.dim() != 2 || sin.sizes() != cos.sizes() || cos.size(0) < x.size(2) || cos.size(1) != x.size(3))
    throw std::invalid_argument("fused rotary normalize: cos and sin must be (≥ T, d)");
  if (scale.numel() != x.size(1) * x.size(3))
    throw std::invalid_argument("fused rotary normalize: scale must hold H·d elements");
  // The kernels address x through its strides and write ∂x with the same ones: those must not overlap (gaps are
  // fine: q as a slice of a fused q/k/v projection is read where it lies).
  return RotaryNormalize::apply(non_overlapping(x) ? x : x.contiguous(), cos, sin, scale, scale_multiplier);
}

at::Tensor scaled_swiglu(const at::Tensor& uv, const at::Tensor& scale, double scale_multiplier) {
  if (!uv.is_cuda() || uv.device() != scale.device())
    throw std::invalid_argument("fused scaled SwiGLU: uv and scale must be on one CUDA device");
  if (uv.dim() < 1 || uv.size(-1) < 2 || uv.size(-1) % 2 != 0)
    throw std::invalid_argument("fused scaled SwiGLU: uv must be (..., 2F)");
  if (element_type(uv.scalar_type()) < 0) throw std::invalid_argument("fused scaled SwiGLU: uv must be float32, bfloat16 or float16");
  if (scale.numel() != uv.size(-1)) throw std::invalid_argument("fused scaled SwiGLU: scale must hold 2F elements");
  return ScaledSwiglu::apply(uv, scale, scale_multiplier);
}

at::Tensor normalized_residual(const at::Tensor& h, const at::Tensor& u, const at::Tensor& alpha, double alpha_multiplier,
                               bool alpha_absolute) {
  check_normalized_residual(h, u, alpha);
  return NormalizedResidual::apply(h, u, alpha, alpha_multiplier, alpha_absolute);
}

namespace {

// One kernel launch per (device, element type) and 64 matrices; what the kernel cannot take goes through ATen
// (normalise: w /= ‖w‖; deviation: Σ |‖v‖ − 1| added to *deviation, a float32 scalar on the first weight's device).
void project_unit_launches(const std::vector<at::Tensor>& weights, const std::vector<int64_t>& dims, bool normalise,
                           at::Tensor* deviation) {
  if (weights.size() != dims.size()) throw std::invalid_argument("fused projection: one dimension per weight");
  std::map<std::pair<int, int32_t>, std::vector<UnitMatrix>> groups;
  std::map<int, at::Tensor> any_on;
  for (size_t i = 0; i < weights.size(); ++i) {
    const auto& w = weights[i];
    if (w.dim() != 2) throw std::invalid_argument("fused projection: every weight must be a matrix");
    const int64_t dim = dims[i] < 0 ? dims[i] + 2 : dims[i];
    if (dim != 0 && dim != 1) throw std::invalid_argument("fused projection: dim must be 0, 1 or -1");
    const int32_t type = element_type(w.scalar_type());
    const bool kernel_takes = w.is_cuda() && type >= 0 && w.is_contiguous() &&
                              (deviation == nullptr || w.device() == deviation->device());
    if (!kernel_takes) {
      at::NoGradGuard no_grad;
      const auto norm = w.norm(c10::Scalar(2), at::IntArrayRef(&dim, 1), /*keepdim=*/true);
      if (deviation != nullptr) deviation->add_((norm - 1).abs().sum().to(deviation->device(), at::kFloat));
      if (normalise) w.div_(norm);
      continue;
    }
    if (w.numel() == 0) continue;
    groups[{w.device().index(), type}].push_back(UnitMatrix{w.data_ptr(), w.size(0), w.size(1), dim == 0 ? 1 : 0});
    any_on.emplace(w.device().index(), w);
    // Written through its pointer, so tell autograd the tensor changed, as an in-place op would.
    if (normalise) w.unsafeGetTensorImpl()->bump_version();
  }
  for (const auto& [key, matrices] : groups) {
    const auto& device_tensor = any_on.at(key.first);
    c10::cuda::CUDAGuard guard(device_tensor.device());
    for (size_t start = 0; start < matrices.size(); start += kMaxUnitMatrices) {
      const auto count = static_cast<int32_t>(std::min<size_t>(kMaxUnitMatrices, matrices.size() - start));
      check(dt_fused::project_unit(matrices.data() + start, count, key.second, normalise ? 1 : 0,
                                   deviation != nullptr ? deviation->data_ptr<float>() : nullptr,
                                   current_stream(device_tensor)),
            "fused projection");
    }
  }
}

// Mean cross entropy of hidden · weightᵀ (N, V) against targets, the logits never in float32 unless computed in it:
// the head GEMM writes them, in the compute type, into rows padded to a multiple of 8 columns (aligned GEMM kernels
// for any vocabulary), one kernel turns each row into its loss and, in place, its gradient softmax − onehot, and
// the backward is the two GEMMs of a linear layer over those gradients, scaled by ∂L/∂loss / (rows not ignored).
struct LinearCrossEntropy : public torch::autograd::Function<LinearCrossEntropy> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& hidden, const at::Tensor& weight,
                            const at::Tensor& targets, int64_t compute, int64_t ignore_index) {
    const auto type = static_cast<c10::ScalarType>(compute);
    const int64_t rows = hidden.size(0), width = hidden.size(1), vocab = weight.size(0);
    const int64_t padded = (vocab + 7) / 8 * 8;
    c10::cuda::CUDAGuard guard(hidden.device());
    const auto h = hidden.to(type).contiguous();                                   // (N, C)
    // A float32 weight in a float32 step is used where it lies: the GEMM writes the logits' first V columns of rows V′
    // wide (ldc = V′), no padded copy of the weight (77 MB read and written at GPT-2's vocabulary). cuBLAS's float32
    // kernels run as fast so on an H100 (1.63 against 1.64 ms; docs/benchmarks.md), its bf16 ones do not (0.89
    // against 0.15 ms: an odd N loses the aligned kernels), so otherwise the cast copy is padded with zero rows.
    const bool as_stored = type == at::kFloat && weight.scalar_type() == type && weight.is_contiguous();
    at::Tensor w, logits;
    if (as_stored) {
      w = weight;                                                                  // (V, C)
      logits = at::empty({rows, padded}, hidden.options().dtype(type));            // (N, V′), V′ = V rounded up to 8
      auto used = logits.narrow(1, 0, vocab);
      at::mm_out(used, h, w.t());                                                  // the padding columns stay unset
    } else {
      w = at::empty({padded, width}, weight.options().dtype(type));                // (V′, C), zero rows past V
      w.narrow(0, 0, vocab).copy_(weight);
      if (padded > vocab) w.narrow(0, vocab, padded - vocab).zero_();
      logits = at::mm(h, w.t());                                                   // (N, V′)
    }
    // From here on logits holds ∂loss_r/∂logits, zero in the padding columns.
    const auto t = targets.reshape({-1}).to(at::kLong).contiguous();
    auto loss_rows = at::empty({rows}, hidden.options().dtype(at::kFloat));
    check(cross_entropy_rows(logits.data_ptr(), element_type(type), rows, padded, vocab, t.data_ptr<int64_t>(),
                             ignore_index, loss_rows.data_ptr<float>(), current_stream(hidden)),
          "fused linear cross entropy");
    const auto counted = t.ne(ignore_index).sum().to(at::kFloat);                  // rows in the mean
    ctx->save_for_backward({h, w, logits, counted});
    ctx->saved_data["vocab"] = vocab;
    ctx->saved_data["as_stored"] = as_stored;
    ctx->saved_data["hidden_type"] = static_cast<int64_t>(hidden.scalar_type());
    ctx->saved_data["weight_type"] = static_cast<int64_t>(weight.scalar_type());
    return loss_rows.sum() / counted;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const torch::autograd::variable_list none{at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    if (!grads[0].defined()) return none;
    const auto saved = ctx->get_saved_variables();
    const auto &h = saved[0], &w = saved[1], &g = saved[2], &counted = saved[3];
    const int64_t vocab = ctx->saved_data["vocab"].toInt();
    c10::cuda::CUDAGuard guard(h.device());
    const bool as_stored = ctx->saved_data["as_stored"].toBool();
    const auto gu = as_stored ? g.narrow(1, 0, vocab) : g;                         // (N, V) or (N, V′) against w
    const auto scale = grads[0].to(at::kFloat) / counted;
    auto grad_h = (at::mm(gu, w).to(at::kFloat) * scale).to(static_cast<c10::ScalarType>(ctx->saved_data["hidden_type"].toInt()));
    // ∂W = gᵀ (h · scale): the scale on the (N, C) operand, not a pass over the (V, C) product (77 MB each way in
    // float32 at GPT-2's vocabulary); exact where the scale is a power of two (1/N, N a power of two, nothing ignored).
    const auto h_scaled = (h.to(at::kFloat) * scale).to(h.scalar_type());
    auto grad_w = at::mm(gu.t(), h_scaled).narrow(0, 0, vocab)
                      .to(static_cast<c10::ScalarType>(ctx->saved_data["weight_type"].toInt()));
    return {grad_h, grad_w, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

void project_unit(const std::vector<at::Tensor>& weights, const std::vector<int64_t>& dims) {
  project_unit_launches(weights, dims, /*normalise=*/true, nullptr);
}

at::Tensor unit_deviation_sum(const std::vector<at::Tensor>& weights, const std::vector<int64_t>& dims, bool normalise) {
  if (weights.empty()) throw std::invalid_argument("fused unit deviation: no weights");
  at::NoGradGuard no_grad;
  auto total = at::zeros({}, weights[0].options().dtype(at::kFloat).requires_grad(false));
  project_unit_launches(weights, dims, normalise, &total);
  return total;
}

at::Tensor linear_cross_entropy(const at::Tensor& hidden, const at::Tensor& weight, const at::Tensor& targets,
                                c10::ScalarType compute, int64_t ignore_index) {
  if (!hidden.is_cuda() || hidden.device() != weight.device() || hidden.device() != targets.device())
    throw std::invalid_argument("fused linear cross entropy: hidden, weight and targets must be on one CUDA device");
  if (hidden.dim() != 2 || weight.dim() != 2 || hidden.size(1) != weight.size(1))
    throw std::invalid_argument("fused linear cross entropy: hidden must be (N, C) and weight (V, C)");
  if (targets.numel() != hidden.size(0) || at::isFloatingType(targets.scalar_type()))
    throw std::invalid_argument("fused linear cross entropy: targets must be N integers");
  if (element_type(compute) < 0)
    throw std::invalid_argument("fused linear cross entropy: the compute type must be float32, bfloat16 or float16");
  if (hidden.size(0) == 0 || weight.size(0) == 0)
    throw std::invalid_argument("fused linear cross entropy: no rows or an empty vocabulary");
  return LinearCrossEntropy::apply(hidden, weight, targets, static_cast<int64_t>(compute), ignore_index);
}

}  // namespace dt_fused
