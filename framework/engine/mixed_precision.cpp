#include "engine/mixed_precision.hpp"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

namespace crackkd::engine {

namespace {

// LibTorch 2.4 names autocast per device; 1.13 has one switch, for CUDA.
void set_cuda_autocast(bool on) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  at::autocast::set_autocast_enabled(at::kCUDA, on);
#else
  at::autocast::set_enabled(on);
#endif
}

bool cuda_autocast() {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  return at::autocast::is_autocast_enabled(at::kCUDA);
#else
  return at::autocast::is_enabled();
#endif
}

}  // namespace

AutocastGuard::AutocastGuard(bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
  previous_ = cuda_autocast();
  set_cuda_autocast(true);
}

AutocastGuard::~AutocastGuard() {
  if (!enabled_) return;
  set_cuda_autocast(previous_);
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

}  // namespace crackkd::engine
