#include "runtime/mixed_precision.hpp"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

namespace crackkd::runtime {

namespace {

// LibTorch 2.4 names autocast per device type; 1.13 has one switch and one dtype for
// CUDA and another pair for the CPU.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
void set_autocast(c10::DeviceType device, bool on) { at::autocast::set_autocast_enabled(device, on); }
bool autocast_enabled(c10::DeviceType device) { return at::autocast::is_autocast_enabled(device); }
void set_dtype(c10::DeviceType device, at::ScalarType dtype) { at::autocast::set_autocast_dtype(device, dtype); }
at::ScalarType autocast_dtype(c10::DeviceType device) { return at::autocast::get_autocast_dtype(device); }
#else
bool is_cpu(c10::DeviceType device) { return device == c10::DeviceType::CPU; }
void set_autocast(c10::DeviceType device, bool on) {
  is_cpu(device) ? at::autocast::set_cpu_enabled(on) : at::autocast::set_enabled(on);
}
bool autocast_enabled(c10::DeviceType device) {
  return is_cpu(device) ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
}
void set_dtype(c10::DeviceType device, at::ScalarType dtype) {
  is_cpu(device) ? at::autocast::set_autocast_cpu_dtype(dtype) : at::autocast::set_autocast_gpu_dtype(dtype);
}
at::ScalarType autocast_dtype(c10::DeviceType device) {
  return is_cpu(device) ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype();
}
#endif

}  // namespace

bool autocast_on(c10::DeviceType device) { return autocast_enabled(device); }

AutocastGuard::AutocastGuard(bool enabled, c10::DeviceType device, at::ScalarType dtype)
    : enabled_(enabled), device_(device) {
  if (!enabled_) return;
  previous_ = autocast_enabled(device_);
  previous_dtype_ = autocast_dtype(device_);
  set_dtype(device_, dtype);
  set_autocast(device_, true);
}

AutocastGuard::~AutocastGuard() {
  if (!enabled_) return;
  set_autocast(device_, previous_);
  set_dtype(device_, previous_dtype_);
  at::autocast::clear_cache();
}

at::Tensor GradScaler::scale(const at::Tensor& loss) const { return enabled_ ? loss * scale_ : loss; }

bool GradScaler::unscale(const std::vector<at::Tensor>& parameters) {
  if (!enabled_) return true;
  torch::NoGradGuard no_grad;
  bool finite = true;
  for (const auto& p : parameters) {
    if (!p.grad().defined()) continue;
    auto g = p.grad();
    g.div_(scale_);
    finite = finite && g.isfinite().all().item<bool>();
  }
  return finite;
}

void GradScaler::update(bool finite) {
  if (!enabled_) return;
  if (!finite) {
    scale_ *= 0.5;
    good_steps_ = 0;
  } else if (++good_steps_ >= 2000) {
    scale_ *= 2.0;
    good_steps_ = 0;
  }
}

}  // namespace crackkd::runtime
