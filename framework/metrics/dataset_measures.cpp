#include "metrics/dataset_measures.hpp"

#include <crackkd/error.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace crackkd::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Calls `f` with each picked record (every record once when `picks` is empty).
template <typename F>
void for_each_pick(const std::vector<ImageMeasures>& images, const std::vector<std::size_t>& picks, F f) {
  if (picks.empty())
    for (const auto& m : images) f(m);
  else
    for (auto i : picks) f(images.at(i));
}

/// Linear interpolation between the order statistics (Hyndman and Fan's type 7).
double type7_percentile(const std::vector<double>& sorted, double q) {
  const double h = (static_cast<double>(sorted.size()) - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

DatasetMeasures summarize(const std::vector<ImageMeasures>& images, const std::vector<std::size_t>& picks) {
  ScoreMeans exact;
  ThresholdSweep exact_sweep, tolerant_sweep;
  MatchCounts tolerant;
  CenterlineCounts centerline;
  double cl_dice_sum = 0, boundary_sum = 0, free_images = 0, free_with_crack = 0, free_pixels = 0, free_crack = 0;
  for_each_pick(images, picks, [&](const ImageMeasures& m) {
    exact.add(m.exact);
    exact_sweep.add(m.exact_sweep);
    tolerant_sweep.add(m.tolerant_sweep);
    tolerant += m.tolerant;
    centerline += m.centerline;
    cl_dice_sum += m.cl_dice;
    boundary_sum += m.boundary.f1();
    if (m.crack_free) {
      free_images += 1, free_pixels += m.pixels, free_crack += m.kept_crack_pixels;
      free_with_crack += m.kept_crack_pixels > 0;
    }
  });
  DatasetMeasures d;
  d.images = exact.images;
  if (d.images == 0) return d;
  const auto n = static_cast<double>(d.images);
  d.mds = exact.mean_dice(), d.miou = exact.mean_iou();
  d.precision = exact.counts.precision(), d.recall = exact.counts.recall(), d.f1 = exact.counts.f1();
  const auto e = exact_sweep.summary(), t = tolerant_sweep.summary();
  d.ods = e.ods_f1, d.ods_threshold = e.ods_threshold, d.ois = e.ois_f1, d.ap = e.ap;
  d.precision_tol = tolerant.precision(), d.recall_tol = tolerant.recall(), d.f1_tol = tolerant.f1();
  d.ods_tol = t.ods_f1, d.ods_tol_threshold = t.ods_threshold, d.ois_tol = t.ois_f1, d.ap_tol = t.ap;
  d.cl_dice = cl_dice_sum / n, d.cl_iou = centerline.iou(), d.boundary_f1 = boundary_sum / n;
  d.crack_free_images = free_images;
  d.crack_free_with_crack = free_images > 0 ? free_with_crack / free_images : kNaN;
  d.crack_free_pixels_per_mp = free_images > 0 ? free_crack / free_pixels * 1e6 : kNaN;
  return d;
}

const std::vector<Measure>& interval_measures() {
  static const std::vector<Measure> measures = {
      {"mDS", &DatasetMeasures::mds},
      {"mIoU", &DatasetMeasures::miou},
      {"precision", &DatasetMeasures::precision},
      {"recall", &DatasetMeasures::recall},
      {"F1", &DatasetMeasures::f1},
      {"ODS", &DatasetMeasures::ods},
      {"OIS", &DatasetMeasures::ois},
      {"AP", &DatasetMeasures::ap},
      {"precision_tol", &DatasetMeasures::precision_tol},
      {"recall_tol", &DatasetMeasures::recall_tol},
      {"F1_tol", &DatasetMeasures::f1_tol},
      {"ODS_tol", &DatasetMeasures::ods_tol},
      {"OIS_tol", &DatasetMeasures::ois_tol},
      {"AP_tol", &DatasetMeasures::ap_tol},
      {"clDice", &DatasetMeasures::cl_dice},
      {"clIoU", &DatasetMeasures::cl_iou},
      {"BF", &DatasetMeasures::boundary_f1},
      {"crack_free_with_crack", &DatasetMeasures::crack_free_with_crack},
      {"crack_free_px_per_MP", &DatasetMeasures::crack_free_pixels_per_mp},
  };
  return measures;
}

std::vector<double> interval_values(const DatasetMeasures& m) {
  std::vector<double> values;
  for (const auto& measure : interval_measures()) values.push_back(m.*measure.value);
  return values;
}

Interval percentile_interval(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
  if (values.empty()) return {kNaN, kNaN};
  std::sort(values.begin(), values.end());
  return {type7_percentile(values, 0.025), type7_percentile(values, 0.975)};
}

std::vector<std::vector<std::size_t>> bootstrap_draws(std::size_t n, std::size_t resamples, std::uint64_t seed) {
  // The generator's raw output, not a std:: distribution, whose algorithm each standard
  // library chooses: the same draws on every platform. The modulo's bias is below n / 2^64.
  std::mt19937_64 rng(seed);
  std::vector<std::vector<std::size_t>> draws(n == 0 ? 0 : resamples, std::vector<std::size_t>(n));
  for (auto& draw : draws)
    for (auto& i : draw) i = static_cast<std::size_t>(rng() % n);
  return draws;
}

std::vector<Interval> bootstrap_intervals(const std::vector<std::vector<std::size_t>>& draws, const Statistic& statistic) {
  std::vector<std::vector<double>> samples(interval_measures().size());
  for (const auto& draw : draws) {
    const auto values = statistic(draw);
    for (std::size_t k = 0; k < samples.size(); ++k) samples[k].push_back(values.at(k));
  }
  std::vector<Interval> intervals;
  for (auto& s : samples) intervals.push_back(percentile_interval(std::move(s)));
  return intervals;
}

std::vector<Interval> bootstrap_intervals(const std::vector<ImageMeasures>& images,
                                          const std::vector<std::vector<std::size_t>>& draws) {
  return bootstrap_intervals(draws, [&](const auto& picks) { return interval_values(summarize(images, picks)); });
}

std::vector<PairedDifference> paired_differences(const std::vector<ImageMeasures>& a, const std::vector<ImageMeasures>& b,
                                                 const std::vector<std::vector<std::size_t>>& draws) {
  if (a.size() != b.size()) throw Error("paired_differences: the two models were scored on different images");
  const auto difference = [&](const std::vector<std::size_t>& picks) {
    auto va = interval_values(summarize(a, picks));
    const auto vb = interval_values(summarize(b, picks));
    for (std::size_t k = 0; k < va.size(); ++k) va[k] -= vb[k];
    return va;
  };
  const auto point = difference({});
  const auto intervals = bootstrap_intervals(draws, difference);
  std::vector<PairedDifference> out;
  for (std::size_t k = 0; k < point.size(); ++k) out.push_back({point[k], intervals[k]});
  return out;
}

}  // namespace crackkd::metrics
