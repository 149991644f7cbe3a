#pragma once
// Per-image Dice and IoU of thresholded predictions, as the seed paper's authors
// evaluate: threshold the sigmoid at 0.5, eps = 1e-7, average per-image scores.

#include <ATen/core/Tensor.h>

#include <vector>

namespace crackkd::metrics {

struct ImageScore {
  double dice = 0;
  double iou = 0;
};

/// One score per image of `logits` (Nx1xHxW) against `masks` (Nx1xHxW, {0, 1}).
/// An image with no crack in the mask and none predicted scores 1.
std::vector<ImageScore> score_images(const at::Tensor& logits, const at::Tensor& masks, double threshold = 0.5,
                                     double eps = 1e-7);

/// Running means of per-image scores: mDS and mIoU.
struct ScoreMeans {
  double dice_sum = 0;
  double iou_sum = 0;
  std::size_t images = 0;
  void add(const ImageScore& s) { dice_sum += s.dice; iou_sum += s.iou; ++images; }
  double mean_dice() const { return images ? dice_sum / static_cast<double>(images) : 0.0; }
  double mean_iou() const { return images ? iou_sum / static_cast<double>(images) : 0.0; }
};

}  // namespace crackkd::metrics
