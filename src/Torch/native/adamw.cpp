// AdamW's step with the projection onto the unit sphere (adamw_kernels.cu) as an ATen operation: argument checks, the
// launches on the device's current stream, 64 matrices a launch.
#include "adamw.h"

#include "adamw_kernels.h"

#include <ATen/ATen.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace dt_adamw {
namespace {

void require(bool condition, const std::string& what) {
  if (!condition) throw std::invalid_argument("AdamW with projection: " + what);
}

void require_device_scalar(const at::Tensor& t, const at::Tensor& like, const char* name) {
  require(t.defined() && t.numel() == 1 && t.scalar_type() == at::kFloat && t.device() == like.device(),
          std::string(name) + " must be one float32 value on the parameters' device");
}

}  // namespace

at::Tensor unit_step(const std::vector<at::Tensor>& params, const std::vector<at::Tensor>& grads,
                     const std::vector<at::Tensor>& exp_avgs, const std::vector<at::Tensor>& exp_avg_sqs,
                     const std::vector<int64_t>& dims, const at::Tensor& step, const std::optional<at::Tensor>& lr,
                     double lr_value, double beta1, double beta2, double weight_decay, double eps) {
  const size_t count = params.size();
  require(count > 0, "no parameters");
  require(grads.size() == count && exp_avgs.size() == count && exp_avg_sqs.size() == count && dims.size() == count,
          "one gradient, two moments and one dimension per parameter");
  const auto& first = params[0];
  require(first.is_cuda(), "the parameters must be on a CUDA device");
  require_device_scalar(step, first, "the step count");
  if (lr.has_value()) require_device_scalar(*lr, first, "the learning rate");
  std::vector<UnitMatrix> matrices;
  for (size_t i = 0; i < count; ++i) {
    const auto& p = params[i];
    require(p.dim() == 2, "parameter " + std::to_string(i) + " is not a matrix");
    const int64_t dim = dims[i] < 0 ? dims[i] + 2 : dims[i];
    require(dim == 0 || dim == 1, "dim must be 0, 1 or -1");
    for (const auto* t : {&p, &grads[i], &exp_avgs[i], &exp_avg_sqs[i]})
      require(t->device() == first.device() && t->scalar_type() == at::kFloat && t->is_contiguous() &&
                  t->sizes() == p.sizes(),
              "parameter " + std::to_string(i) + ": its gradient and moments must be contiguous float32 of its shape, "
              "on the first parameter's device");
    if (p.numel() == 0) continue;
    matrices.push_back(UnitMatrix{p.data_ptr<float>(), grads[i].data_ptr<float>(), exp_avgs[i].data_ptr<float>(),
                                  exp_avg_sqs[i].data_ptr<float>(), p.size(0), p.size(1), dim == 0 ? 1 : 0});
    // Written through their pointers, so tell autograd they changed, as in-place ops would.
    for (const auto* t : {&p, &exp_avgs[i], &exp_avg_sqs[i]}) t->unsafeGetTensorImpl()->bump_version();
  }
  // Column-wise matrices first: their blocks walk 48 rows one after another (at C = 384) where a row's warp walks 12
  // elements, so they start before the many short row blocks instead of trailing after them.
  std::stable_partition(matrices.begin(), matrices.end(), [](const UnitMatrix& m) { return m.by_columns != 0; });
  const c10::cuda::CUDAGuard guard(first.device());
  auto deviation = at::zeros({}, first.options().dtype(at::kFloat).requires_grad(false));
  const Hyper hyper{step.data_ptr<float>(), lr.has_value() ? lr->data_ptr<float>() : nullptr,
                    static_cast<float>(lr_value), static_cast<float>(beta1), static_cast<float>(beta2),
                    static_cast<float>(weight_decay), static_cast<float>(eps)};
  void* stream = c10::cuda::getCurrentCUDAStream(first.device().index()).stream();
  for (size_t start = 0; start < matrices.size(); start += kMaxUnitMatrices) {
    const auto n = static_cast<int32_t>(std::min<size_t>(kMaxUnitMatrices, matrices.size() - start));
    if (const char* e = dt_adamw::unit_step(matrices.data() + start, n, hyper, deviation.data_ptr<float>(), stream))
      throw std::runtime_error(std::string("AdamW with projection: ") + e);
  }
  return deviation;
}

}  // namespace dt_adamw
