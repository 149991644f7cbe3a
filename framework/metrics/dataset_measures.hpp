#pragma once
// A data set's figures from its images' records (metrics/image_measures.hpp), and their
// 95 % bootstrap intervals over images: the images are drawn with replacement, the
// figures computed again from the drawn records, 1,000 times by default, and the 2.5th and
// 97.5th percentiles kept. Every model of an evaluate stage is resampled with the same
// draws, so two models' difference gets an interval over the same images (paired).
//
// Data-set conventions: mDS, mIoU, clDice and boundary F1 are means over images (as
// papers average them); precision, recall, F1, clIoU and the sweep's ODS and AP pool the
// counts of all images first (an image without crack adds only its false alarms); OIS is
// the mean of each image's best F1. Crack-free figures are over the images whose mask is
// empty: the share with a predicted crack, and predicted crack pixels per megapixel; NaN
// when there are none.

#include "metrics/image_measures.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace crackkd::metrics {

struct DatasetMeasures {
  std::size_t images = 0;
  double mds = 0, miou = 0, precision = 0, recall = 0, f1 = 0;  // exact, at the threshold
  double ods = 0, ods_threshold = 0, ois = 0, ap = 0;            // exact, over the sweep
  double precision_tol = 0, recall_tol = 0, f1_tol = 0;          // within the tolerance
  double ods_tol = 0, ods_tol_threshold = 0, ois_tol = 0, ap_tol = 0;
  double cl_dice = 0, cl_iou = 0, boundary_f1 = 0;
  double crack_free_images = 0, crack_free_with_crack = 0, crack_free_pixels_per_mp = 0;
};

/// The figures of `images[picks]`; empty `picks` = every image once.
DatasetMeasures summarize(const std::vector<ImageMeasures>& images, const std::vector<std::size_t>& picks = {});

/// A figure with an interval, by name as in scores.csv.
struct Measure {
  const char* name;
  double DatasetMeasures::*value;
};
/// The figures that get intervals, in scores.csv's order.
const std::vector<Measure>& interval_measures();
/// `m`'s value of each interval_measures() entry.
std::vector<double> interval_values(const DatasetMeasures& m);

struct Interval {
  double low = 0, high = 0;
};

/// The 2.5th and 97.5th percentiles of `values` (linear between order statistics), NaN
/// values left out; NaN when none is left.
Interval percentile_interval(std::vector<double> values);

/// `resamples` draws of n image indices with replacement, the same for any caller with
/// the same n and seed.
std::vector<std::vector<std::size_t>> bootstrap_draws(std::size_t n, std::size_t resamples, std::uint64_t seed);

/// Per value of `statistic` (one per interval_measures() entry), its 95 % percentile
/// interval over the draws; NaN values (a draw without a crack-free image...) are left
/// out, NaN when all are.
using Statistic = std::function<std::vector<double>(const std::vector<std::size_t>& picks)>;
std::vector<Interval> bootstrap_intervals(const std::vector<std::vector<std::size_t>>& draws, const Statistic& statistic);

/// The intervals of `images`' figures.
std::vector<Interval> bootstrap_intervals(const std::vector<ImageMeasures>& images,
                                          const std::vector<std::vector<std::size_t>>& draws);

/// Model a minus model b on the same images, per interval_measures() entry: the
/// difference of the figures and its interval over the draws.
struct PairedDifference {
  double difference = 0;
  Interval interval;
};
std::vector<PairedDifference> paired_differences(const std::vector<ImageMeasures>& a, const std::vector<ImageMeasures>& b,
                                                 const std::vector<std::vector<std::size_t>>& draws);

}  // namespace crackkd::metrics
