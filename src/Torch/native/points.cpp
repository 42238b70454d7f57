// The point-cloud and graph kernels (point_kernels.cu) as ATen operations: argument checks, outputs allocated on
// the tensors' device, launches on its current stream. The ATen references are PointCloud.cs and EdgeSums.cs.
#include "points.h"

#include "point_kernels.h"

#include <ATen/ATen.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <stdexcept>
#include <string>

namespace dt_points {
namespace {

void check(const char* error, const char* what) {
  if (error != nullptr) throw std::runtime_error(std::string(what) + ": " + error);
}

void* current_stream(const at::Tensor& t) { return c10::cuda::getCurrentCUDAStream(t.device().index()).stream(); }

void require(bool ok, const char* message) {
  if (!ok) throw std::invalid_argument(message);
}

void check_points(const at::Tensor& positions, const at::Tensor& centres, const char* what) {
  require(positions.is_cuda() && centres.device() == positions.device(), what);
  require(positions.scalar_type() == at::kFloat && centres.scalar_type() == at::kFloat, what);
  require(positions.dim() == 2 && positions.size(1) == 3 && centres.dim() == 2 && centres.size(1) == 3, what);
}

}  // namespace

at::Tensor radius_sums(const at::Tensor& positions, const at::Tensor& centres, const at::Tensor& stats, double r2,
                       bool exclude_self) {
  check_points(positions, centres, "radius sums: positions and centres must be (·, 3) float32 on one CUDA device");
  require(stats.device() == positions.device() && stats.scalar_type() == at::kDouble && stats.dim() == 2 &&
              stats.size(0) == positions.size(0) && stats.size(1) >= 1 && stats.size(1) <= kMaxRadiusStats,
          "radius sums: stats must be (n, 1..8) float64 on the positions' device");
  const c10::cuda::CUDAGuard guard(positions.device());
  const auto p = positions.contiguous(), c = centres.contiguous(), s = stats.contiguous();
  auto sums = at::empty({c.size(0), s.size(1)}, s.options());
  check(dt_points::radius_sums(p.data_ptr<float>(), p.size(0), c.data_ptr<float>(), c.size(0), s.data_ptr<double>(),
                               static_cast<int32_t>(s.size(1)), static_cast<float>(r2), exclude_self ? 1 : 0,
                               sums.data_ptr<double>(), current_stream(p)),
        "radius sums");
  return sums;
}

at::Tensor radius_counts(const at::Tensor& positions, const at::Tensor& centres, double r2) {
  check_points(positions, centres, "radius counts: positions and centres must be (·, 3) float32 on one CUDA device");
  const c10::cuda::CUDAGuard guard(positions.device());
  const auto p = positions.contiguous(), c = centres.contiguous();
  auto counts = at::zeros({p.size(0)}, p.options().dtype(at::kLong));
  check(dt_points::radius_counts(p.data_ptr<float>(), p.size(0), c.data_ptr<float>(), c.size(0),
                                 counts.data_ptr<int64_t>(), static_cast<float>(r2), current_stream(p)),
        "radius counts");
  return counts;
}

at::Tensor inverse_distance_row_sums(const at::Tensor& offsets, const at::Tensor& targets, const at::Tensor& distances,
                                     const at::Tensor& values, const at::Tensor& rows, double softening) {
  const auto device = values.device();
  require(values.is_cuda() && offsets.device() == device && targets.device() == device &&
              distances.device() == device && rows.device() == device,
          "inverse distance sums: every tensor must be on one CUDA device");
  require(offsets.scalar_type() == at::kLong && targets.scalar_type() == at::kLong && rows.scalar_type() == at::kLong,
          "inverse distance sums: offsets, targets and rows must be int64");
  require(distances.scalar_type() == at::kFloat && values.scalar_type() == at::kFloat,
          "inverse distance sums: distances and values must be float32");
  require(offsets.dim() == 1 && targets.dim() == 1 && distances.dim() == 1 && values.dim() == 1 && rows.dim() == 1 &&
              targets.size(0) == distances.size(0) && offsets.size(0) >= 1,
          "inverse distance sums: offsets (nodes + 1), targets and distances (edges), values and rows must be vectors");
  require(values.size(0) == offsets.size(0) - 1, "inverse distance sums: values must have one entry per node (offsets' length - 1)");
  const c10::cuda::CUDAGuard guard(device);
  const auto o = offsets.contiguous(), t = targets.contiguous(), d = distances.contiguous(), v = values.contiguous(),
             r = rows.contiguous();
  auto out = at::empty({r.size(0)}, v.options());
  check(dt_points::inverse_distance_row_sums(o.data_ptr<int64_t>(), t.data_ptr<int64_t>(), d.data_ptr<float>(),
                                             v.data_ptr<float>(), r.data_ptr<int64_t>(), r.size(0),
                                             static_cast<float>(softening), out.data_ptr<float>(), current_stream(v)),
        "inverse distance sums");
  return out;
}

}  // namespace dt_points
