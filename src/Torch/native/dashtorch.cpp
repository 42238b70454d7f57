// dashtorch: see dashtorch.h for the conventions.
#include "dashtorch.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <torch/cuda.h>
#include <torch/version.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>

#ifdef DT_WITH_FUSED_KERNELS
#include "adamw.h"
#include "attention.h"
#include "fused.h"
#include "points.h"
#include "rows.h"
#endif

#ifdef DT_WITH_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAException.h>
#include <cuda_profiler_api.h>
#include <cuda_runtime_api.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#define DT_TORCH_AT_LEAST(maj, min) \
  (TORCH_VERSION_MAJOR > (maj) || (TORCH_VERSION_MAJOR == (maj) && TORCH_VERSION_MINOR >= (min)))

namespace {

thread_local std::string g_last_error;
std::atomic<int64_t> g_live{0};

// Every entry point runs its body through this, so that no exception reaches the caller.
template <class F>
int guarded(F&& body) {
  try {
    body();
    return 0;
  } catch (const c10::Error& e) {
    g_last_error = e.what_without_backtrace();
  } catch (const std::exception& e) {
    g_last_error = e.what();
  } catch (...) {
    g_last_error = "unknown native error";
  }
  return 1;
}

inline at::Tensor& T(dt_tensor h) {
  if (h == nullptr) throw std::invalid_argument("null tensor handle");
  return *static_cast<at::Tensor*>(h);
}

inline dt_tensor wrap(at::Tensor&& t) {
  auto* p = new at::Tensor(std::move(t));
  g_live.fetch_add(1, std::memory_order_relaxed);
  return p;
}

inline dt_tensor wrap_copy(const at::Tensor& t) {
  auto* p = new at::Tensor(t);
  g_live.fetch_add(1, std::memory_order_relaxed);
  return p;
}

// The C# side passes alpha and scalar operands as doubles. libtorch refuses a floating alpha for integral
// tensors and promotes an integral tensor plus a floating scalar to float; so a whole number goes over as an
// integer, which is what torch's `a + b`, `a.add(b, alpha=2)` and `a + 2` do. That changes nothing for a floating
// tensor (a whole double converts to the same value either way) and costs no type promotion on this hot path.
// A fractional value stays a double: libtorch refuses it as an integral tensor's alpha, and as a scalar it promotes.
inline at::Scalar arithmetic_scalar(double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.2e18) return at::Scalar(static_cast<int64_t>(v));
  return at::Scalar(v);
}

c10::Device make_device(int32_t type, int32_t index) {
  return c10::Device(static_cast<c10::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
}

at::IntArrayRef dims(const int64_t* shape, int32_t ndim) {
  return at::IntArrayRef(shape, static_cast<size_t>(ndim));
}

#ifndef DT_WITH_FUSED_KERNELS
[[noreturn]] void no_fused_kernels() {
  throw std::runtime_error("dashtorch was compiled without fused kernels (build.sh found no nvcc or no CUDA libtorch)");
}
#endif

#ifndef DT_WITH_CUDA
[[noreturn]] void no_cuda() { throw std::runtime_error("libtorch built without CUDA: dashtorch was compiled without DT_WITH_CUDA"); }
#endif

// An operator resolved once: the dispatcher handle plus what the call path needs from its schema,
// so that a call does no string lookups.
struct OpEntry {
  c10::OperatorHandle handle;
  std::string schema_text;
  size_t nargs = 0;
  std::vector<uint8_t> wants_double;       // argument is float / float? : coerce ints
  std::vector<std::optional<c10::IValue>> defaults;
  explicit OpEntry(c10::OperatorHandle h) : handle(std::move(h)) {}
};

bool is_float_type(const c10::TypePtr& t) {
  if (t->kind() == c10::TypeKind::FloatType) return true;
  if (auto opt = t->cast<c10::OptionalType>()) return opt->getElementType()->kind() == c10::TypeKind::FloatType;
  return false;
}

thread_local torch::jit::Stack t_stack;

void push_arg(torch::jit::Stack& stack, const dt_arg& a, bool wants_double) {
  switch (a.tag) {
    case DT_ARG_NONE:
      stack.emplace_back();
      break;
    case DT_ARG_TENSOR:
      if (a.v.p == nullptr) stack.emplace_back();
      else stack.emplace_back(*static_cast<const at::Tensor*>(a.v.p));
      break;
    case DT_ARG_INT:
      if (wants_double) stack.emplace_back(static_cast<double>(a.v.i));
      else stack.emplace_back(a.v.i);
      break;
    case DT_ARG_DOUBLE:
      stack.emplace_back(a.v.d);
      break;
    case DT_ARG_BOOL:
      stack.emplace_back(a.v.i != 0);
      break;
    case DT_ARG_INT_LIST: {
      c10::List<int64_t> l;
      l.reserve(a.len);
      auto* p = static_cast<const int64_t*>(a.v.p);
      for (int32_t i = 0; i < a.len; ++i) l.push_back(p[i]);
      stack.emplace_back(std::move(l));
      break;
    }
    case DT_ARG_DOUBLE_LIST: {
      c10::List<double> l;
      l.reserve(a.len);
      auto* p = static_cast<const double*>(a.v.p);
      for (int32_t i = 0; i < a.len; ++i) l.push_back(p[i]);
      stack.emplace_back(std::move(l));
      break;
    }
    case DT_ARG_TENSOR_LIST: {
      c10::List<at::Tensor> l;
      l.reserve(a.len);
      auto* p = static_cast<const dt_tensor*>(a.v.p);
      for (int32_t i = 0; i < a.len; ++i) l.push_back(T(p[i]));
      stack.emplace_back(std::move(l));
      break;
    }
    case DT_ARG_OPT_TENSOR_LIST: {
      // Built untyped with an explicit element type, so it works whether c10::optional is
      // its own class (1.x) or std::optional (2.x).
      c10::impl::GenericList l(c10::OptionalType::create(c10::TensorType::get()));
      auto* p = static_cast<const dt_tensor*>(a.v.p);
      for (int32_t i = 0; i < a.len; ++i) {
        if (p[i] == nullptr) l.push_back(c10::IValue());
        else l.push_back(c10::IValue(T(p[i])));
      }
      stack.emplace_back(std::move(l));
      break;
    }
    case DT_ARG_DTYPE:
      stack.emplace_back(static_cast<c10::ScalarType>(a.v.i));
      break;
    case DT_ARG_STRING:
      stack.emplace_back(std::string(static_cast<const char*>(a.v.p), static_cast<size_t>(a.len)));
      break;
    case DT_ARG_DEVICE:
      stack.emplace_back(make_device(static_cast<int32_t>(a.v.i >> 16), static_cast<int16_t>(a.v.i & 0xffff)));
      break;
    default:
      throw std::invalid_argument("unknown argument tag " + std::to_string(a.tag));
  }
}

void collect_output(c10::IValue& v, dt_tensor* outs, int32_t capacity, int32_t& n) {
  auto put = [&](at::Tensor&& t) {
    if (n >= capacity) throw std::length_error("operator returned more outputs than the caller's buffer holds");
    outs[n++] = t.defined() ? wrap(std::move(t)) : nullptr;
  };
  if (v.isTensor()) {
    put(std::move(v).toTensor());
  } else if (v.isTensorList()) {
    for (const at::Tensor& t : v.toTensorVector()) put(at::Tensor(t));
  } else if (v.isTuple()) {
    for (auto& e : v.toTupleRef().elements()) {
      c10::IValue copy = e;
      collect_output(copy, outs, capacity, n);
    }
  } else if (v.isNone()) {
    put(at::Tensor());
  } else if (v.isDouble()) {
    put(at::scalar_tensor(v.toDouble(), at::kDouble));
  } else if (v.isInt()) {
    put(at::scalar_tensor(v.toInt(), at::kLong));
  } else if (v.isBool()) {
    put(at::scalar_tensor(v.toBool(), at::kBool));
  } else {
    throw std::invalid_argument("operator returned a value the binding cannot carry: " + v.tagKind());
  }
}

}  // namespace

extern "C" {

const char* dt_last_error(void) { return g_last_error.c_str(); }
int dt_abi_version(void) { return DT_ABI_VERSION; }
const char* dt_version(void) { return TORCH_VERSION; }
int dt_has_cuda_build(void) {
#ifdef DT_WITH_CUDA
  return 1;
#else
  return 0;
#endif
}
int64_t dt_live_tensors(void) { return g_live.load(std::memory_order_relaxed); }

// ---------------------------------------------------------------- tensor handles

int dt_tensor_from_data(const void* data, const int64_t* shape, int32_t ndim, int32_t dtype,
                        int32_t device_type, int32_t device_index, dt_tensor* out) {
  return guarded([&] {
    auto t = at::empty(dims(shape, ndim), at::TensorOptions().dtype(static_cast<c10::ScalarType>(dtype)));
    if (t.numel() > 0) {
      if (data == nullptr) throw std::invalid_argument("null data pointer");
      std::memcpy(t.data_ptr(), data, t.numel() * t.element_size());
    }
    auto device = make_device(device_type, device_index);
    if (!device.is_cpu()) t = t.to(device);
    *out = wrap(std::move(t));
  });
}

int dt_tensor_empty(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t device_type,
                    int32_t device_index, dt_tensor* out) {
  return guarded([&] {
    auto options = at::TensorOptions()
                       .dtype(static_cast<c10::ScalarType>(dtype))
                       .device(make_device(device_type, device_index));
    *out = wrap(at::empty(dims(shape, ndim), options));
  });
}

void dt_tensor_free(dt_tensor t) {
  if (t == nullptr) return;
  delete static_cast<at::Tensor*>(t);
  g_live.fetch_sub(1, std::memory_order_relaxed);
}

int dt_tensor_clone_handle(dt_tensor t, dt_tensor* out) {
  return guarded([&] { *out = wrap_copy(T(t)); });
}

int dt_tensor_info(dt_tensor t, int32_t* dtype, int32_t* ndim, int32_t* device_type,
                   int32_t* device_index, int32_t* requires_grad) {
  return guarded([&] {
    const auto& x = T(t);
    if (!x.defined()) throw std::invalid_argument("undefined tensor");
    *dtype = static_cast<int32_t>(x.scalar_type());
    *ndim = static_cast<int32_t>(x.dim());
    *device_type = static_cast<int32_t>(x.device().type());
    *device_index = x.device().index();
    *requires_grad = x.requires_grad() ? 1 : 0;
  });
}

int dt_tensor_shape(dt_tensor t, int64_t* shape, int32_t capacity) {
  return guarded([&] {
    auto sizes = T(t).sizes();
    if (static_cast<int64_t>(sizes.size()) > capacity) throw std::length_error("shape buffer too small");
    for (size_t i = 0; i < sizes.size(); ++i) shape[i] = sizes[i];
  });
}

int dt_tensor_strides(dt_tensor t, int64_t* strides, int32_t capacity) {
  return guarded([&] {
    auto s = T(t).strides();
    if (static_cast<int64_t>(s.size()) > capacity) throw std::length_error("stride buffer too small");
    for (size_t i = 0; i < s.size(); ++i) strides[i] = s[i];
  });
}

int64_t dt_tensor_numel(dt_tensor t) { return t == nullptr ? 0 : T(t).numel(); }
int dt_tensor_is_defined(dt_tensor t) { return t != nullptr && T(t).defined() ? 1 : 0; }

int dt_tensor_to_host(dt_tensor t, void* dst, int64_t nbytes) {
  return guarded([&] {
    at::Tensor x = T(t).detach();
    if (!x.device().is_cpu()) x = x.to(at::kCPU);
    x = x.contiguous();
    int64_t have = x.numel() * static_cast<int64_t>(x.element_size());
    if (have != nbytes)
      throw std::invalid_argument("host buffer holds " + std::to_string(nbytes) + " bytes, tensor has " +
                                  std::to_string(have));
    if (have > 0) std::memcpy(dst, x.data_ptr(), static_cast<size_t>(have));
  });
}

int dt_tensor_item_double(dt_tensor t, double* out) {
  return guarded([&] { *out = T(t).item<double>(); });
}

int dt_tensor_item_int64(dt_tensor t, int64_t* out) {
  return guarded([&] { *out = T(t).item<int64_t>(); });
}

int dt_tensor_to(dt_tensor t, int32_t device_type, int32_t device_index, int32_t dtype, int32_t copy,
                 dt_tensor* out) {
  return guarded([&] {
    const auto& x = T(t);
    auto st = dtype < 0 ? x.scalar_type() : static_cast<c10::ScalarType>(dtype);
    *out = wrap(x.to(make_device(device_type, device_index), st, /*non_blocking=*/false, copy != 0));
  });
}

int dt_tensor_copy_(dt_tensor dst, dt_tensor src) {
  return guarded([&] { T(dst).copy_(T(src)); });
}

int dt_tensor_set_data(dt_tensor dst, dt_tensor src) {
  return guarded([&] { T(dst).set_data(T(src)); });
}

int dt_tensor_same(dt_tensor a, dt_tensor b) {
  return T(a).unsafeGetTensorImpl() == T(b).unsafeGetTensorImpl() ? 1 : 0;
}

int dt_tensor_storage(dt_tensor t, uint64_t* storage_address, int64_t* storage_bytes, uint64_t* data_address) {
  return guarded([&] {
    const auto& x = T(t);
    if (!x.has_storage()) throw std::invalid_argument("tensor has no storage");
    const auto& storage = x.storage();
    // The data pointer is computed, not read with data_ptr(): that differs between libtorch 1.x and 2.x (const and
    // mutable accessors), and an empty storage may have a null base.
    auto base = reinterpret_cast<uint64_t>(storage.data_ptr().get());
    *storage_address = base;
    *storage_bytes = static_cast<int64_t>(storage.nbytes());
    *data_address = base + static_cast<uint64_t>(x.storage_offset()) * static_cast<uint64_t>(x.element_size());
  });
}

// ---------------------------------------------------------------- generic operator call

int dt_op_resolve(const char* name, const char* overload, dt_op* out) {
  return guarded([&] {
    auto handle = c10::Dispatcher::singleton().findSchemaOrThrow(name, overload == nullptr ? "" : overload);
    auto entry = std::make_unique<OpEntry>(handle);
    const auto& schema = handle.schema();
    std::ostringstream text;
    text << schema;
    entry->schema_text = text.str();
    entry->nargs = schema.arguments().size();
    for (const auto& arg : schema.arguments()) {
      entry->wants_double.push_back(is_float_type(arg.type()) ? 1 : 0);
      if (arg.default_value().has_value()) entry->defaults.emplace_back(*arg.default_value());
      else entry->defaults.emplace_back(std::nullopt);
    }
    // Entries live for the life of the process: they are resolved once per op and cached by the caller.
    *out = entry.release();
  });
}

int dt_op_exists(const char* name, const char* overload) {
  try {
    return c10::Dispatcher::singleton().findSchema({name, overload == nullptr ? "" : overload}).has_value() ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

int dt_op_schema(dt_op op, const char** out) {
  return guarded([&] { *out = static_cast<OpEntry*>(op)->schema_text.c_str(); });
}

int dt_op_call(dt_op op, const dt_arg* args, int32_t nargs, dt_tensor* outs, int32_t capacity, int32_t* nouts) {
  auto& stack = t_stack;
  int32_t n = 0;
  int rc = guarded([&] {
    const auto* e = static_cast<const OpEntry*>(op);
    if (static_cast<size_t>(nargs) > e->nargs)
      throw std::invalid_argument("too many arguments for " + e->schema_text);
    stack.clear();
    for (int32_t i = 0; i < nargs; ++i) push_arg(stack, args[i], e->wants_double[i] != 0);
    for (size_t i = nargs; i < e->nargs; ++i) {
      const auto& d = e->defaults[i];
      if (!d.has_value())
        throw std::invalid_argument("argument " + std::to_string(i) + " has no default in " + e->schema_text);
      stack.push_back(*d);
    }
    e->handle.callBoxed(&stack);
    for (auto& v : stack) collect_output(v, outs, capacity, n);
    *nouts = n;
  });
  // The stack is thread-local and reused to avoid an allocation per call; empty it so that it
  // holds no tensor references between calls.
  stack.clear();
  if (rc != 0) {
    for (int32_t i = 0; i < n; ++i) dt_tensor_free(outs[i]);
    *nouts = 0;
  }
  return rc;
}

// ---------------------------------------------------------------- fast paths

int dt_add(dt_tensor a, dt_tensor b, double alpha, dt_tensor* out) {
  return guarded([&] { *out = wrap(at::add(T(a), T(b), arithmetic_scalar(alpha))); });
}
int dt_sub(dt_tensor a, dt_tensor b, double alpha, dt_tensor* out) {
  return guarded([&] { *out = wrap(at::sub(T(a), T(b), arithmetic_scalar(alpha))); });
}
int dt_mul(dt_tensor a, dt_tensor b, dt_tensor* out) {
  return guarded([&] { *out = wrap(at::mul(T(a), T(b))); });
}
int dt_div(dt_tensor a, dt_tensor b, dt_tensor* out) {
  return guarded([&] { *out = wrap(at::div(T(a), T(b))); });
}
int dt_matmul(dt_tensor a, dt_tensor b, dt_tensor* out) {
  return guarded([&] { *out = wrap(at::matmul(T(a), T(b))); });
}
int dt_add_scalar(dt_tensor a, double b, dt_tensor* out) {
  return guarded([&] { *out = wrap(at::add(T(a), arithmetic_scalar(b))); });
}
int dt_mul_scalar(dt_tensor a, double b, dt_tensor* out) {
  return guarded([&] { *out = wrap(at::mul(T(a), b)); });
}

// ---------------------------------------------------------------- autograd

int dt_backward(dt_tensor t, dt_tensor grad_or_null, int32_t retain_graph, int32_t create_graph) {
  return guarded([&] {
    at::Tensor grad = grad_or_null == nullptr ? at::Tensor() : T(grad_or_null);
    T(t).backward(grad, retain_graph != 0, create_graph != 0);
  });
}

int dt_grad(dt_tensor t, dt_tensor* out) {
  return guarded([&] {
    const auto& g = T(t).grad();
    *out = g.defined() ? wrap_copy(g) : nullptr;
  });
}

int dt_set_grad(dt_tensor t, dt_tensor grad_or_null) {
  return guarded([&] { T(t).mutable_grad() = grad_or_null == nullptr ? at::Tensor() : T(grad_or_null); });
}

int dt_set_requires_grad(dt_tensor t, int32_t requires_grad) {
  return guarded([&] { T(t).set_requires_grad(requires_grad != 0); });
}

int dt_detach(dt_tensor t, dt_tensor* out) {
  return guarded([&] { *out = wrap(T(t).detach()); });
}

int dt_autograd_grad(const dt_tensor* outputs, const dt_tensor* grad_outputs, int32_t noutputs,
                     const dt_tensor* inputs, int32_t ninputs, int32_t retain_graph, int32_t create_graph,
                     int32_t allow_unused, dt_tensor* outs) {
  return guarded([&] {
    std::vector<at::Tensor> out_list, grad_list, in_list;
    for (int32_t i = 0; i < noutputs; i++) {
      out_list.push_back(T(outputs[i]));
      grad_list.push_back(grad_outputs == nullptr || grad_outputs[i] == nullptr ? at::Tensor() : T(grad_outputs[i]));
    }
    for (int32_t i = 0; i < ninputs; i++) in_list.push_back(T(inputs[i]));
    auto grads = torch::autograd::grad(out_list, in_list, grad_list,
                                       retain_graph < 0 ? c10::optional<bool>() : c10::optional<bool>(retain_graph != 0),
                                       create_graph != 0, allow_unused != 0);
    // Nothing is handed out until every gradient exists, so a failure leaks nothing.
    for (int32_t i = 0; i < ninputs; i++)
      outs[i] = grads[i].defined() ? wrap_copy(grads[i]) : nullptr;
  });
}

int dt_is_leaf(dt_tensor t) { return T(t).is_leaf() ? 1 : 0; }
int dt_grad_enabled(void) { return c10::GradMode::is_enabled() ? 1 : 0; }
void dt_set_grad_enabled(int32_t enabled) { c10::GradMode::set_enabled(enabled != 0); }

int dt_inference_mode_enter(void** guard) {
  return guarded([&] { *guard = new c10::InferenceMode(true); });
}
void dt_inference_mode_exit(void* guard) { delete static_cast<c10::InferenceMode*>(guard); }
int dt_inference_mode_enabled(void) { return c10::InferenceMode::is_enabled() ? 1 : 0; }

// ---------------------------------------------------------------- autocast

int dt_autocast_get(int32_t device_type, int32_t* enabled, int32_t* dtype) {
  return guarded([&] {
    auto dev = static_cast<c10::DeviceType>(device_type);
#if DT_TORCH_AT_LEAST(2, 4)
    *enabled = at::autocast::is_autocast_enabled(dev) ? 1 : 0;
    *dtype = static_cast<int32_t>(at::autocast::get_autocast_dtype(dev));
#else
    if (dev == c10::DeviceType::CPU) {
      *enabled = at::autocast::is_cpu_enabled() ? 1 : 0;
      *dtype = static_cast<int32_t>(at::autocast::get_autocast_cpu_dtype());
    } else if (dev == c10::DeviceType::CUDA) {
      *enabled = at::autocast::is_enabled() ? 1 : 0;
      *dtype = static_cast<int32_t>(at::autocast::get_autocast_gpu_dtype());
    } else {
      throw std::invalid_argument("autocast supports cpu and cuda");
    }
#endif
  });
}

int dt_autocast_set(int32_t device_type, int32_t enabled, int32_t dtype) {
  return guarded([&] {
    auto dev = static_cast<c10::DeviceType>(device_type);
    auto st = static_cast<c10::ScalarType>(dtype);
    // Autocast state lives in libtorch_cpu, so CUDA autocast needs no CUDA headers here.
    if (dev != c10::DeviceType::CPU && dev != c10::DeviceType::CUDA) {
      throw std::invalid_argument("autocast supports cpu and cuda");
    }
#if DT_TORCH_AT_LEAST(2, 4)
    at::autocast::set_autocast_enabled(dev, enabled != 0);
    at::autocast::set_autocast_dtype(dev, st);
#else
    if (dev == c10::DeviceType::CPU) {
      at::autocast::set_cpu_enabled(enabled != 0);
      at::autocast::set_autocast_cpu_dtype(st);
    } else {
      at::autocast::set_enabled(enabled != 0);
      at::autocast::set_autocast_gpu_dtype(st);
    }
#endif
  });
}

int dt_autocast_increment_nesting(void) { return at::autocast::increment_nesting(); }

int dt_autocast_decrement_nesting(void) {
  int depth = at::autocast::decrement_nesting();
  if (depth == 0) at::autocast::clear_cache();
  return depth;
}

// ---------------------------------------------------------------- random

int dt_manual_seed(uint64_t seed) {
  return guarded([&] { at::manual_seed(seed); });
}

int dt_rng_state_get(dt_tensor* out) {
  return guarded([&] {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    *out = wrap(gen.get_state());
  });
}

int dt_rng_state_set(dt_tensor state) {
  return guarded([&] {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(T(state));
  });
}

// ---------------------------------------------------------------- CUDA

int dt_cuda_is_available(void) {
  try {
    return torch::cuda::is_available() ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

int dt_cuda_device_count(void) {
  try {
    return static_cast<int>(torch::cuda::device_count());
  } catch (...) {
    return 0;
  }
}

int dt_cuda_synchronize(int32_t device_index) {
  // torch::cuda::synchronize lives in libtorch itself, so this works even without CUDA headers.
  return guarded([&] { torch::cuda::synchronize(device_index); });
}

int dt_cuda_memory_stats(int32_t device_index, int64_t* allocated, int64_t* reserved, int64_t* peak) {
  return guarded([&] {
#ifdef DT_WITH_CUDA
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(device_index));
    // Index 0 is StatType::AGGREGATE in every libtorch version.
    *allocated = stats.allocated_bytes[0].current;
    *reserved = stats.reserved_bytes[0].current;
    *peak = stats.allocated_bytes[0].peak;
#else
    (void)device_index; (void)allocated; (void)reserved; (void)peak;
    no_cuda();
#endif
  });
}

int dt_cuda_mem_get_info(int32_t device_index, int64_t* free_bytes, int64_t* total_bytes) {
  return guarded([&] {
#ifdef DT_WITH_CUDA
    c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device_index));
    size_t free_b = 0, total_b = 0;
    C10_CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    *free_bytes = static_cast<int64_t>(free_b);
    *total_bytes = static_cast<int64_t>(total_b);
#else
    (void)device_index; (void)free_bytes; (void)total_bytes;
    no_cuda();
#endif
  });
}

int dt_cuda_reset_peak(int32_t device_index) {
  return guarded([&] {
#ifdef DT_WITH_CUDA
    c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(device_index));
#else
    (void)device_index;
    no_cuda();
#endif
  });
}

int dt_cuda_empty_cache(void) {
  return guarded([&] {
#ifdef DT_WITH_CUDA
    c10::cuda::CUDACachingAllocator::emptyCache();
#else
    no_cuda();
#endif
  });
}

int dt_cuda_profiler(int32_t on) {
  return guarded([&] {
#ifdef DT_WITH_CUDA
    C10_CUDA_CHECK(on ? cudaProfilerStart() : cudaProfilerStop());
#else
    (void)on;
    no_cuda();
#endif
  });
}

#ifdef DT_WITH_CUDA
namespace {
struct Graph {
  at::cuda::CUDAGraph graph;
  std::optional<c10::cuda::CUDAStreamGuard> stream;  // capture needs a side stream
};
}  // namespace
#endif

int dt_cuda_graph_new(void** graph) {
  return guarded([&] {
#ifdef DT_WITH_CUDA
    *graph = new Graph();
#else
    (void)graph;
    no_cuda();
#endif
  });
}

int dt_cuda_graph_capture_begin(void* graph, int32_t device_index) {
  return guarded([&] {
#ifdef DT_WITH_CUDA
    auto* g = static_cast<Graph*>(graph);
    // The guard makes the side stream current on its device (and that device current), so the ops of a
    // worker on cuda:N are captured even when the thread's current device is another one.
    auto index = device_index < 0 ? c10::cuda::current_device() : static_cast<c10::DeviceIndex>(device_index);
    g->stream.emplace(c10::cuda::getStreamFromPool(false, index));
    try {
      g->graph.capture_begin();
    } catch (...) {
      g->stream.reset();
      throw;
    }
#else
    (void)graph; (void)device_index;
    no_cuda();
#endif
  });
}

int dt_cuda_graph_capture_end(void* graph) {
  return guarded([&] {
#ifdef DT_WITH_CUDA
    auto* g = static_cast<Graph*>(graph);
    try {
      g->graph.capture_end();
    } catch (...) {
      g->stream.reset();
      throw;
    }
    g->stream.reset();
#else
    (void)graph;
    no_cuda();
#endif
  });
}

int dt_cuda_graph_replay(void* graph) {
  return guarded([&] {
#ifdef DT_WITH_CUDA
    static_cast<Graph*>(graph)->graph.replay();
#else
    (void)graph;
    no_cuda();
#endif
  });
}

void dt_cuda_graph_free(void* graph) {
#ifdef DT_WITH_CUDA
  try {
    delete static_cast<Graph*>(graph);
  } catch (...) {
  }
#else
  (void)graph;
#endif
}

#ifdef DT_WITH_CUDA
namespace {
struct SideStream {
  c10::cuda::CUDAStream previous;
  c10::cuda::CUDAStream side;
  std::optional<c10::cuda::CUDAStreamGuard> guard;
  SideStream(c10::cuda::CUDAStream p, c10::cuda::CUDAStream s) : previous(p), side(s) {}
};

// `waiter` does not start later work until what is queued on `done` so far has run. The CUDA runtime's
// own calls: at::cuda::CUDAEvent has moved between headers and namespaces across libtorch versions.
void stream_wait(const c10::cuda::CUDAStream& waiter, const c10::cuda::CUDAStream& done) {
  cudaEvent_t event;
  {
    c10::cuda::CUDAGuard device(done.device_index());
    C10_CUDA_CHECK(cudaEventCreateWithFlags(&event, cudaEventDisableTiming));
    C10_CUDA_CHECK(cudaEventRecord(event, done.stream()));
  }
  c10::cuda::CUDAGuard device(waiter.device_index());
  auto waited = cudaStreamWaitEvent(waiter.stream(), event, 0);
  cudaEventDestroy(event);  // released once it has fired; the wait above is already queued
  C10_CUDA_CHECK(waited);
}
}  // namespace
#endif

int dt_cuda_side_stream_begin(int32_t device_index, void** guard) {
  return guarded([&] {
#ifdef DT_WITH_CUDA
    auto index = static_cast<c10::DeviceIndex>(device_index);
    auto state = std::make_unique<SideStream>(c10::cuda::getCurrentCUDAStream(index), c10::cuda::getStreamFromPool(false, index));
    stream_wait(state->side, state->previous);
    state->guard.emplace(state->side);
    *guard = state.release();
#else
    (void)device_index; (void)guard;
    no_cuda();
#endif
  });
}

int dt_cuda_side_stream_end(void* guard) {
  return guarded([&] {
#ifdef DT_WITH_CUDA
    std::unique_ptr<SideStream> state(static_cast<SideStream*>(guard));
    state->guard.reset();
    stream_wait(state->previous, state->side);
#else
    (void)guard;
    no_cuda();
#endif
  });
}

int dt_set_num_threads(int32_t n) {
  return guarded([&] { at::set_num_threads(n); });
}

int dt_matmul_tf32_get(int32_t* enabled) {
  return guarded([&] { *enabled = at::globalContext().allowTF32CuBLAS() ? 1 : 0; });
}

int dt_matmul_tf32_set(int32_t enabled) {
  return guarded([&] { at::globalContext().setAllowTF32CuBLAS(enabled != 0); });
}

// ---------------------------------------------------------------- fused kernels

int dt_has_fused_kernels(void) {
#ifdef DT_WITH_FUSED_KERNELS
  return 1;
#else
  return 0;
#endif
}

int dt_fused_normalized_residual(dt_tensor h, dt_tensor u, dt_tensor alpha, double alpha_multiplier,
                                 int32_t alpha_absolute, dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    *out = wrap(dt_fused::normalized_residual(T(h), T(u), T(alpha), alpha_multiplier, alpha_absolute != 0));
#else
    (void)h; (void)u; (void)alpha; (void)alpha_multiplier; (void)alpha_absolute; (void)out;
    no_fused_kernels();
#endif
  });
}

int dt_fused_rotary_normalize(dt_tensor x, dt_tensor cos, dt_tensor sin, dt_tensor scale, double scale_multiplier,
                              dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    *out = wrap(dt_fused::rotary_normalize(T(x), T(cos), T(sin), T(scale), scale_multiplier));
#else
    (void)x; (void)cos; (void)sin; (void)scale; (void)scale_multiplier; (void)out;
    no_fused_kernels();
#endif
  });
}

namespace {
std::pair<std::vector<at::Tensor>, std::vector<int64_t>> unit_matrices(const dt_tensor* weights, const int32_t* dims,
                                                                       int32_t count) {
  std::pair<std::vector<at::Tensor>, std::vector<int64_t>> out;
  for (int32_t i = 0; i < count; ++i) {
    out.first.push_back(T(weights[i]));
    out.second.push_back(dims[i]);
  }
  return out;
}
}  // namespace

int dt_fused_project_unit(const dt_tensor* weights, const int32_t* dims, int32_t count) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    const auto [ws, ds] = unit_matrices(weights, dims, count);
    dt_fused::project_unit(ws, ds);
#else
    (void)weights; (void)dims; (void)count;
    no_fused_kernels();
#endif
  });
}

int dt_fused_unit_deviation_sum(const dt_tensor* weights, const int32_t* dims, int32_t count, int32_t normalise,
                                dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    const auto [ws, ds] = unit_matrices(weights, dims, count);
    *out = wrap(dt_fused::unit_deviation_sum(ws, ds, normalise != 0));
#else
    (void)weights; (void)dims; (void)count; (void)normalise; (void)out;
    no_fused_kernels();
#endif
  });
}

int dt_fused_scaled_swiglu(dt_tensor uv, dt_tensor scale, double scale_multiplier, dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    *out = wrap(dt_fused::scaled_swiglu(T(uv), T(scale), scale_multiplier));
#else
    (void)uv; (void)scale; (void)scale_multiplier; (void)out;
    no_fused_kernels();
#endif
  });
}

int dt_fused_causal_attention(dt_tensor q, dt_tensor k, dt_tensor v, double scale, dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    *out = wrap(dt_attention::causal_attention(T(q), T(k), T(v), scale));
#else
    (void)q; (void)k; (void)v; (void)scale; (void)out;
    no_fused_kernels();
#endif
  });
}

int dt_adamw_unit_step(const dt_tensor* params, const dt_tensor* grads, const dt_tensor* exp_avgs,
                       const dt_tensor* exp_avg_sqs, const int32_t* dims, int32_t count, dt_tensor step, dt_tensor lr,
                       double lr_value, double beta1, double beta2, double weight_decay, double eps, dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    std::vector<at::Tensor> ps, gs, ms, vs;
    std::vector<int64_t> ds;
    for (int32_t i = 0; i < count; ++i) {
      ps.push_back(T(params[i]));
      gs.push_back(T(grads[i]));
      ms.push_back(T(exp_avgs[i]));
      vs.push_back(T(exp_avg_sqs[i]));
      ds.push_back(dims[i]);
    }
    const std::optional<at::Tensor> rate = lr == nullptr ? std::nullopt : std::optional<at::Tensor>(T(lr));
    *out = wrap(dt_adamw::unit_step(ps, gs, ms, vs, ds, T(step), rate, lr_value, beta1, beta2, weight_decay, eps));
#else
    (void)params; (void)grads; (void)exp_avgs; (void)exp_avg_sqs; (void)dims; (void)count; (void)step; (void)lr;
    (void)lr_value; (void)beta1; (void)beta2; (void)weight_decay; (void)eps; (void)out;
    no_fused_kernels();
#endif
  });
}

int dt_rows_scaled(dt_tensor w, dt_tensor s, double k, dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    *out = wrap(dt_rows::scaled_rows(T(w), T(s), k));
#else
    (void)w; (void)s; (void)k; (void)out;
    no_fused_kernels();
#endif
  });
}

int dt_rows_embedding(dt_tensor weight, dt_tensor indices, dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    *out = wrap(dt_rows::embedding(T(weight), T(indices)));
#else
    (void)weight; (void)indices; (void)out;
    no_fused_kernels();
#endif
  });
}

int dt_rows_sum_partials(dt_tensor x, dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    *out = wrap(dt_rows::sum_partials(T(x)));
#else
    (void)x; (void)out;
    no_fused_kernels();
#endif
  });
}

// Whether the fused kernels' backwards sum their parameter partials by kernel (Fused.cs decides); nothing without them.
void dt_rows_use_partial_sums_kernel(int32_t on) {
#ifdef DT_WITH_FUSED_KERNELS
  dt_rows::use_partial_sums_kernel(on != 0);
#else
  (void)on;
#endif
}

int dt_fused_linear_cross_entropy(dt_tensor hidden, dt_tensor weight, dt_tensor targets, int32_t compute_dtype,
                                  int64_t ignore_index, dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    *out = wrap(dt_fused::linear_cross_entropy(T(hidden), T(weight), T(targets),
                                               static_cast<c10::ScalarType>(compute_dtype), ignore_index));
#else
    (void)hidden; (void)weight; (void)targets; (void)compute_dtype; (void)ignore_index; (void)out;
    no_fused_kernels();
#endif
  });
}

int dt_points_radius_sums(dt_tensor positions, dt_tensor centres, dt_tensor stats, double r2, int32_t exclude_self,
                          dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    *out = wrap(dt_points::radius_sums(T(positions), T(centres), T(stats), r2, exclude_self != 0));
#else
    (void)positions; (void)centres; (void)stats; (void)r2; (void)exclude_self; (void)out;
    no_fused_kernels();
#endif
  });
}

int dt_points_radius_counts(dt_tensor positions, dt_tensor centres, double r2, dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    *out = wrap(dt_points::radius_counts(T(positions), T(centres), r2));
#else
    (void)positions; (void)centres; (void)r2; (void)out;
    no_fused_kernels();
#endif
  });
}

int dt_graph_inverse_distance_sums(dt_tensor offsets, dt_tensor targets, dt_tensor distances, dt_tensor values,
                                   dt_tensor rows, double softening, dt_tensor* out) {
  return guarded([&] {
#ifdef DT_WITH_FUSED_KERNELS
    *out = wrap(dt_points::inverse_distance_row_sums(T(offsets), T(targets), T(distances), T(values), T(rows), softening));
#else
    (void)offsets; (void)targets; (void)distances; (void)values; (void)rows; (void)softening; (void)out;
    no_fused_kernels();
#endif
  });
}

}  // extern "C"
