// AdamW's step with nGPT's projection onto the unit sphere in one pass (adamw_kernels.cu) as an ATen operation, for
// dashtorch.cpp's dt_adamw_unit_step. Only in builds with DT_WITH_FUSED_KERNELS. The reference it stands for (libtorch's
// fused AdamW, then the projection) is in src/Torch/Optim/AdamW.cs.
#pragma once
#include <ATen/ATen.h>

#include <optional>
#include <vector>

namespace dt_adamw {

// One AdamW step of the float32 CUDA matrices params (grads, exp_avgs, exp_avg_sqs alike: same shape, contiguous, one
// device), each matrix's vectors along dims[i] (1 or -1: rows, 0: columns) then divided by their norms, in place.
// step: the group's count, already advanced (float32, 0-dimensional, on the device); lr: the rate on the device
// (float32, 0-dimensional), else lr_value. Returns Σ |‖v‖ − 1| over the updated vectors before the division, a float32
// scalar on the device. No host synchronisation, so it can be captured in a CUDA graph.
at::Tensor unit_step(const std::vector<at::Tensor>& params, const std::vector<at::Tensor>& grads,
                     const std::vector<at::Tensor>& exp_avgs, const std::vector<at::Tensor>& exp_avg_sqs,
                     const std::vector<int64_t>& dims, const at::Tensor& step, const std::optional<at::Tensor>& lr,
                     double lr_value, double beta1, double beta2, double weight_decay, double eps);

}  // namespace dt_adamw
