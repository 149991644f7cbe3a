#pragma once
// The crack literature's measures beside mDS and mIoU: precision, recall and F1 at the
// threshold, per image and over the data set, and from a sweep of thresholds the ODS
// F-measure (one threshold, the best for the whole data set), the OIS F-measure (each
// image at its own best threshold) and AP (area under the data set's precision-recall
// curve).
//
// Empty masks and predictions, each measure's convention:
//   per image   precision with nothing predicted = 1, recall with no crack in the mask = 1,
//               F1 = 2TP / (2TP + FP + FN), 1 when mask and prediction are both empty:
//               F1 equals the image's Dice, so an empty-and-empty image counts as perfect,
//               as it does in mDS.
//   data set    counts summed over the images first: an image without crack adds only its
//               false positives (precision, recall, F1 at the threshold, ODS, AP).
//   OIS         the mean over images of each image's best per-image F1: an image with no
//               crack scores 1 when some threshold of the sweep predicts nothing on it.
//   AP          sum over the sweep, from the highest threshold down, of the rise in recall
//               times the precision there; undefined (NaN) for a data set with no crack.

#include "metrics/segmentation_metrics.hpp"

#include <cstdint>
#include <vector>

namespace crackkd::metrics {

/// The thresholds of the sweep: 0.01 to 0.99 in steps of 0.01.
const std::vector<double>& sweep_thresholds();

/// counts[i][k]: image i of `logits` (Nx1xHxW) against `masks` ({0, 1}) at thresholds[k]
/// (ascending; a pixel is crack when its probability is above the threshold).
std::vector<std::vector<PixelCounts>> sweep_counts(const at::Tensor& logits, const at::Tensor& masks,
                                                   const std::vector<double>& thresholds = sweep_thresholds());

/// Counts under a matching tolerance (metrics/image_measures.hpp): predicted pixels, those
/// near an annotated one, annotated pixels, those near a predicted one. Exact counts are
/// the case where both matched counts are TP.
struct MatchCounts {
  double matched_predicted = 0, predicted = 0, matched_truth = 0, truth = 0;
  static MatchCounts exact(const PixelCounts& c) { return {c.tp, c.tp + c.fp, c.tp, c.tp + c.fn}; }
  MatchCounts& operator+=(const MatchCounts& o);
  double precision() const { return predicted > 0 ? matched_predicted / predicted : 1.0; }
  double recall() const { return truth > 0 ? matched_truth / truth : 1.0; }
  double f1() const;
};

/// The data-set measures of a sweep.
struct SweepSummary {
  double ods_f1 = 0, ods_threshold = 0;
  double ois_f1 = 0;
  double ap = 0;
};

/// Accumulates images' sweep counts; summary() gives ODS, OIS and AP.
class ThresholdSweep {
 public:
  explicit ThresholdSweep(std::vector<double> thresholds = sweep_thresholds());
  void add(const std::vector<MatchCounts>& image);  ///< one image's counts at each threshold
  void add(const std::vector<PixelCounts>& image);
  void add(const std::vector<std::vector<PixelCounts>>& images) { for (const auto& i : images) add(i); }
  const std::vector<double>& thresholds() const { return thresholds_; }
  std::size_t images() const { return images_; }
  SweepSummary summary() const;

 private:
  std::vector<double> thresholds_;
  std::vector<MatchCounts> totals_;  ///< per threshold, over the images
  double best_f1_sum_ = 0;           ///< sum over images of their best F1
  std::size_t images_ = 0;
};

}  // namespace crackkd::metrics
