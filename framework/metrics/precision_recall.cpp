#include "metrics/precision_recall.hpp"

#include <crackkd/error.hpp>

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace crackkd::metrics {

const std::vector<double>& sweep_thresholds() {
  static const std::vector<double> thresholds = [] {
    std::vector<double> t;
    for (int k = 1; k <= 99; ++k) t.push_back(k / 100.0);
    return t;
  }();
  return thresholds;
}

std::vector<std::vector<PixelCounts>> sweep_counts(const at::Tensor& logits, const at::Tensor& masks,
                                                   const std::vector<double>& thresholds) {
  if (logits.sizes() != masks.sizes()) throw Error("sweep_counts: logits and masks differ in shape");
  if (!std::is_sorted(thresholds.begin(), thresholds.end())) throw Error("sweep_counts: thresholds not ascending");
  const auto k = static_cast<std::int64_t>(thresholds.size());
  // sigmoid(z) > t  <=>  z > logit(t). bucketize gives each pixel the number of cuts
  // strictly below its logit, b; the pixel is crack at threshold k exactly when b > k.
  std::vector<double> cuts;
  for (double t : thresholds) cuts.push_back(std::log(t / (1.0 - t)));
  const auto z = logits.detach().flatten(1).to(at::kDouble).cpu();
  const auto gt = masks.detach().gt(0.5).flatten(1).to(at::kDouble).cpu();
  const auto bins = at::bucketize(z, at::tensor(cuts, at::kDouble));  // N x P, in [0, k]
  const std::int64_t n = z.size(0);
  const auto offset = (at::arange(n, at::kLong) * (k + 1)).unsqueeze(1);
  const auto index = (bins + offset).flatten();
  const auto crack = at::bincount(index, gt.flatten(), n * (k + 1)).view({n, k + 1});
  const auto all = at::bincount(index, {}, n * (k + 1)).view({n, k + 1}).to(at::kDouble);
  // above[i][j] = pixels of image i in bins j..k: predicted crack at threshold j - 1.
  const auto crack_above = crack.flip(1).cumsum(1).flip(1);
  const auto all_above = all.flip(1).cumsum(1).flip(1);
  const auto cracks = gt.sum(1);
  auto c = crack_above.accessor<double, 2>();
  auto a = all_above.accessor<double, 2>();
  auto g = cracks.accessor<double, 1>();
  std::vector<std::vector<PixelCounts>> out(static_cast<std::size_t>(n), std::vector<PixelCounts>(thresholds.size()));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < k; ++j) {
      const double tp = c[i][j + 1], predicted = a[i][j + 1];
      out[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = {tp, predicted - tp, g[i] - tp};
    }
  return out;
}

ThresholdSweep::ThresholdSweep(std::vector<double> thresholds)
    : thresholds_(std::move(thresholds)), totals_(thresholds_.size()) {}

MatchCounts& MatchCounts::operator+=(const MatchCounts& o) {
  matched_predicted += o.matched_predicted, predicted += o.predicted;
  matched_truth += o.matched_truth, truth += o.truth;
  return *this;
}

double MatchCounts::f1() const {
  // Matched alike on both sides (exact counts: both are TP), 2TP / (2TP + FP + FN) to the
  // last bit, as PixelCounts computes it.
  if (matched_predicted == matched_truth) return predicted + truth > 0 ? 2 * matched_truth / (predicted + truth) : 1.0;
  const double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

void ThresholdSweep::add(const std::vector<PixelCounts>& image) {
  std::vector<MatchCounts> counts;
  counts.reserve(image.size());
  for (const auto& c : image) counts.push_back(MatchCounts::exact(c));
  add(counts);
}

void ThresholdSweep::add(const std::vector<MatchCounts>& image) {
  if (image.size() != thresholds_.size()) throw Error("ThresholdSweep: an image's counts miss thresholds");
  double best = 0;
  for (std::size_t k = 0; k < image.size(); ++k) {
    totals_[k] += image[k];
    best = std::max(best, image[k].f1());
  }
  best_f1_sum_ += best;
  ++images_;
}

SweepSummary ThresholdSweep::summary() const {
  SweepSummary s;
  if (images_ == 0) return s;
  s.ois_f1 = best_f1_sum_ / static_cast<double>(images_);
  for (std::size_t k = 0; k < totals_.size(); ++k)
    if (k == 0 || totals_[k].f1() > s.ods_f1)
      s.ods_f1 = totals_[k].f1(), s.ods_threshold = thresholds_[k];
  const double cracks = totals_.empty() ? 0 : totals_[0].truth;
  if (cracks == 0) {
    s.ap = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  double previous_recall = 0;  // above the highest threshold nothing is predicted
  for (std::size_t k = totals_.size(); k-- > 0;) {
    const double recall = totals_[k].matched_truth / cracks;
    s.ap += (recall - previous_recall) * totals_[k].precision();
    previous_recall = recall;
  }
  return s;
}

}  // namespace crackkd::metrics
