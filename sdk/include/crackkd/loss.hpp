#pragma once
// A supervised loss between a model's logits and the ground-truth mask.

#include <ATen/core/Tensor.h>

namespace crackkd {

/// Example: `at::Tensor l = dice.compute(out.logits, batch.masks); l.backward();`
class Loss {
 public:
  virtual ~Loss() = default;
  /// `logits` Nx1xHxW, `target` Nx1xHxW in {0, 1}; returns a scalar.
  virtual at::Tensor compute(const at::Tensor& logits, const at::Tensor& target) const = 0;
};

}  // namespace crackkd
