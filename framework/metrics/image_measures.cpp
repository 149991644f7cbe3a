#include "metrics/image_measures.hpp"

#include <crackkd/error.hpp>

#include <ATen/ATen.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace crackkd::metrics {

double Tolerance::pixels(std::int64_t rows, std::int64_t cols) const {
  if (!of_diagonal) return value;
  return value * std::hypot(static_cast<double>(rows), static_cast<double>(cols));
}

std::string Tolerance::describe() const {
  std::ostringstream s;
  s << value << (of_diagonal ? " x diagonal" : " px");
  return s.str();
}

namespace {

/// The Euclidean disk x² + y² ≤ radius² as a structuring element.
cv::Mat disk_element(double radius) {
  const int r = static_cast<int>(std::floor(radius + 1e-9));
  cv::Mat d(2 * r + 1, 2 * r + 1, CV_8U);
  for (int y = -r; y <= r; ++y)
    for (int x = -r; x <= r; ++x) d.at<std::uint8_t>(y + r, x + r) = x * x + y * y <= radius * radius + 1e-9;
  return d;
}

/// Dilation by the disk: for a 0/1 mask, the pixels within `radius` of one of its pixels;
/// for logits, the highest logit within `radius` of each pixel (an annotated pixel is
/// found at a threshold exactly when that is above the threshold's logit). Pixels beyond
/// the photo's edge take no part.
cv::Mat dilate_by_disk(const cv::Mat& image, double radius) {
  if (radius < 1) return image.clone();
  cv::Mat out;
  cv::dilate(image, out, disk_element(radius));
  return out;
}

double pixel_count(const cv::Mat& mask) { return static_cast<double>(cv::countNonZero(mask)); }

MatchCounts match(const cv::Mat& predicted, const cv::Mat& truth, double radius) {
  MatchCounts c;
  c.predicted = pixel_count(predicted);
  c.truth = pixel_count(truth);
  c.matched_predicted = pixel_count(predicted & dilate_by_disk(truth, radius));
  c.matched_truth = pixel_count(truth & dilate_by_disk(predicted, radius));
  return c;
}

/// Guo-Hall skeleton (0/1), the photo's edge treated as background as thinning needs.
/// Not Zhang-Suen: it erases a crack two pixels thick along a diagonal down to two pixels.
cv::Mat skeleton_of(const cv::Mat& mask) {
  cv::Mat padded, thin;
  cv::copyMakeBorder(mask * 255, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
  cv::ximgproc::thinning(padded, thin, cv::ximgproc::THINNING_GUOHALL);
  return thin(cv::Rect(1, 1, mask.cols, mask.rows)) / 255;
}

/// Mask pixels with a 4-neighbour outside the mask; beyond the photo's edge counts as inside.
cv::Mat boundary_of(const cv::Mat& mask) {
  cv::Mat eroded;
  cv::erode(mask, eroded, cv::getStructuringElement(cv::MORPH_CROSS, {3, 3}), {-1, -1}, 1, cv::BORDER_REPLICATE);
  return mask - eroded;
}

/// The two masks' skeletons, thinned once for clDice and clIoU alike.
struct Skeletons {
  cv::Mat predicted, truth;
};

double cl_dice(const Skeletons& s, const cv::Mat& predicted, const cv::Mat& truth) {
  const double np = pixel_count(s.predicted), nt = pixel_count(s.truth);
  const double tprec = np > 0 ? pixel_count(s.predicted & truth) / np : 1.0;
  const double tsens = nt > 0 ? pixel_count(s.truth & predicted) / nt : 1.0;
  return tprec + tsens > 0 ? 2 * tprec * tsens / (tprec + tsens) : 0.0;
}

CenterlineCounts centerline(const Skeletons& s, double radius) {
  CenterlineCounts c;
  c.tp = pixel_count(s.truth & dilate_by_disk(s.predicted, radius));
  c.fp = pixel_count(s.predicted) - pixel_count(s.predicted & dilate_by_disk(s.truth, radius));
  c.fn = pixel_count(s.truth) - c.tp;
  return c;
}

double pixels_in_large_components(const cv::Mat& predicted, std::int64_t min_area) {
  if (min_area <= 1) return pixel_count(predicted);
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(predicted, labels, stats, centroids, 8);
  double kept = 0;
  for (int k = 1; k < n; ++k)
    if (stats.at<int>(k, cv::CC_STAT_AREA) >= min_area) kept += stats.at<int>(k, cv::CC_STAT_AREA);
  return kept;
}

/// Counts at every sweep threshold: a pixel is predicted at threshold k when its logit
/// is above cuts[k]; an annotated pixel is found when the highest logit within τ is.
std::vector<MatchCounts> tolerant_sweep(const cv::Mat& logits, const cv::Mat& truth, double radius,
                                        const std::vector<double>& cuts) {
  const std::size_t k = cuts.size();
  // bin = number of cuts strictly below the logit: predicted at threshold j when bin > j
  const auto bin = [&](double z) {
    return static_cast<std::size_t>(std::lower_bound(cuts.begin(), cuts.end(), z) - cuts.begin());
  };
  std::vector<double> predicted(k + 1), near(k + 1), found(k + 1);
  const cv::Mat truth_near = dilate_by_disk(truth, radius), best = dilate_by_disk(logits, radius);
  double annotated = 0;
  for (int y = 0; y < logits.rows; ++y)
    for (int x = 0; x < logits.cols; ++x) {
      const std::size_t b = bin(logits.at<double>(y, x));
      predicted[b] += 1;
      near[b] += truth_near.at<std::uint8_t>(y, x);
      if (truth.at<std::uint8_t>(y, x)) found[bin(best.at<double>(y, x))] += 1, annotated += 1;
    }
  std::vector<MatchCounts> out(k);
  MatchCounts above;  // pixels in bins j + 1 .. k
  above.truth = annotated;
  for (std::size_t j = k; j-- > 0;) {
    above.predicted += predicted[j + 1], above.matched_predicted += near[j + 1], above.matched_truth += found[j + 1];
    out[j] = above;
  }
  return out;
}

ImageMeasures measure_one(const cv::Mat& logits, const cv::Mat& truth, const MeasureOptions& o,
                          const std::vector<double>& cuts) {
  const double cut = std::log(o.threshold / (1.0 - o.threshold));
  cv::Mat predicted(logits.size(), CV_8U);
  for (int y = 0; y < logits.rows; ++y)
    for (int x = 0; x < logits.cols; ++x) predicted.at<std::uint8_t>(y, x) = logits.at<double>(y, x) > cut;
  const double radius = o.tolerance.pixels(logits.rows, logits.cols);
  ImageMeasures m;
  m.tolerant = match(predicted, truth, radius);
  m.tolerant_sweep = tolerant_sweep(logits, truth, radius, cuts);
  const Skeletons skeletons{skeleton_of(predicted), skeleton_of(truth)};
  m.cl_dice = cl_dice(skeletons, predicted, truth);
  m.centerline = centerline(skeletons, o.centerline_tolerance);
  m.boundary = match(boundary_of(predicted), boundary_of(truth), radius);
  m.crack_free = cv::countNonZero(truth) == 0;
  m.kept_crack_pixels = pixels_in_large_components(predicted, o.min_crack_area);
  m.pixels = static_cast<double>(logits.total());
  return m;
}

}  // namespace

std::vector<ImageMeasures> measure_images(const at::Tensor& logits, const at::Tensor& masks,
                                          const MeasureOptions& options) {
  if (logits.sizes() != masks.sizes() || logits.dim() != 4 || logits.size(1) != 1)
    throw Error("measure_images: logits and masks must both be Nx1xHxW");
  const auto exact = score_images(logits, masks, options.threshold);
  const auto exact_sweep = sweep_counts(logits, masks);
  std::vector<double> cuts;
  for (double t : sweep_thresholds()) cuts.push_back(std::log(t / (1.0 - t)));
  // In double, as sweep_counts compares them: the two sweeps agree to the pixel at τ = 0.
  const auto z = logits.detach().to(at::kDouble).cpu().contiguous();
  const auto gt = masks.detach().gt(0.5).to(at::kByte).cpu().contiguous();
  const int rows = static_cast<int>(z.size(2)), cols = static_cast<int>(z.size(3));
  std::vector<ImageMeasures> out;
  for (std::int64_t i = 0; i < z.size(0); ++i) {
    const cv::Mat l(rows, cols, CV_64F, z[i][0].data_ptr<double>());
    const cv::Mat t(rows, cols, CV_8U, gt[i][0].data_ptr<std::uint8_t>());
    out.push_back(measure_one(l, t, options, cuts));
    out.back().exact = exact[static_cast<std::size_t>(i)];
    out.back().exact_sweep = exact_sweep[static_cast<std::size_t>(i)];
  }
  return out;
}

}  // namespace crackkd::metrics
