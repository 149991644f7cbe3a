#pragma once
// Per-image Dice and IoU of thresholded predictions, as the reference paper's authors
// evaluate: threshold the sigmoid at 0.5, eps = 1e-7, average per-image scores.

#include <ATen/core/Tensor.h>

#include <vector>

namespace crackkd::metrics {

/// Pixel counts of one image (or a data set) at one threshold, and the measures read
/// from them (empty cases: metrics/precision_recall.hpp).
struct PixelCounts {
  double tp = 0, fp = 0, fn = 0;
  PixelCounts& operator+=(const PixelCounts& o) { tp += o.tp, fp += o.fp, fn += o.fn; return *this; }
  double precision() const { return tp + fp > 0 ? tp / (tp + fp) : 1.0; }
  double recall() const { return tp + fn > 0 ? tp / (tp + fn) : 1.0; }
  double f1() const { return 2 * tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : 1.0; }
};

struct ImageScore {
  double dice = 0;
  double iou = 0;
  PixelCounts counts;  ///< at the threshold
};

/// One score per image of `logits` (Nx1xHxW) against `masks` (Nx1xHxW, {0, 1}).
/// An image with no crack in the mask and none predicted scores 1.
std::vector<ImageScore> score_images(const at::Tensor& logits, const at::Tensor& masks, double threshold = 0.5,
                                     double eps = 1e-7);

/// Running means of per-image scores (mDS and mIoU) and the data set's pixel counts.
struct ScoreMeans {
  double dice_sum = 0;
  double iou_sum = 0;
  PixelCounts counts;  ///< summed over the images: the data set's precision, recall, F1
  std::size_t images = 0;
  void add(const ImageScore& s) { dice_sum += s.dice; iou_sum += s.iou; counts += s.counts; ++images; }
  double mean_dice() const { return images ? dice_sum / static_cast<double>(images) : 0.0; }
  double mean_iou() const { return images ? iou_sum / static_cast<double>(images) : 0.0; }
};

}  // namespace crackkd::metrics
