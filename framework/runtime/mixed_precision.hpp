#pragma once
// Mixed-precision training on CUDA (`amp = true`): the forward and the losses run under
// autocast (float16 where it is safe), and gradients are scaled so small ones survive
// float16, as PyTorch's GradScaler does: the loss is multiplied by a scale (2^16 at
// first); the gradients are divided by it before the step; a step whose gradients hold
// an inf or NaN is skipped and halves the scale; 2000 good steps in a row double it.
// The scale and its count of good steps are part of resume.pt.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace crackkd::runtime {

/// Autocast on `device` to `dtype` for the guard's lifetime when `enabled`. The training
/// loop uses CUDA and float16; the device check (tests/gpu) also bfloat16, and the CPU
/// (whose autocast takes bfloat16 only in LibTorch 1.13).
class AutocastGuard {
 public:
  explicit AutocastGuard(bool enabled, c10::DeviceType device = c10::DeviceType::CUDA,
                         at::ScalarType dtype = at::kHalf);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool enabled_, previous_ = false;
  c10::DeviceType device_;
  at::ScalarType previous_dtype_ = at::kHalf;
};

/// Whether autocast is on for `device` now (in any guard or caller).
bool autocast_on(c10::DeviceType device);

class GradScaler {
 public:
  explicit GradScaler(bool enabled) : enabled_(enabled) {}
  /// `loss` x scale (unchanged when disabled).
  at::Tensor scale(const at::Tensor& loss) const;
  /// Divides the gradients by the scale; true when they are all finite (the step may
  /// proceed). Always true when disabled.
  bool unscale(const std::vector<at::Tensor>& parameters);
  /// After a step or a skipped one: grows or shrinks the scale.
  void update(bool finite);
  double current() const { return scale_; }
  std::int64_t good_steps() const { return good_steps_; }
  /// Continues from a saved state (resume).
  void restore(double scale, std::int64_t good_steps) { scale_ = scale, good_steps_ = good_steps; }

 private:
  bool enabled_;
  double scale_ = 65536.0;
  std::int64_t good_steps_ = 0;
};

}  // namespace crackkd::runtime
