#pragma once
// The reference paper's soft Dice loss (loss.dice; the device check's ground-truth term):
// p = sigmoid(logit); per image dice = (2 sum(p g) + eps) / (sum(p) + sum(g) + eps);
// loss = 1 - mean over the batch.

#include <ATen/ATen.h>

namespace crackkd::plugins {

inline at::Tensor soft_dice_loss(const at::Tensor& logits, const at::Tensor& target, double eps = 1e-7) {
  TORCH_CHECK(logits.sizes() == target.sizes(), "dice: logits ", logits.sizes(), " and target ", target.sizes(),
              " differ in shape");
  const auto p = logits.sigmoid().flatten(1);
  const auto g = target.to(p.scalar_type()).flatten(1);
  const auto dice = (2 * (p * g).sum(1) + eps) / (p.sum(1) + g.sum(1) + eps);
  return 1 - dice.mean();
}

}  // namespace crackkd::plugins
