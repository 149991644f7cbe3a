#include "measurement/crack_objects.hpp"

#include "measurement/skeleton_branches.hpp"

#include <crackkd/error.hpp>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace crackkd::measurement {

namespace {

// Internally a pixel's centre is at its integer index; outputs add half a pixel.
const cv::Point2d kHalfPixel{0.5, 0.5};

/// The field at `p` (pixel centres at integers), bilinear; beyond the photo, background.
double sample(const cv::Mat& field, cv::Point2d p) {
  const int x0 = static_cast<int>(std::floor(p.x)), y0 = static_cast<int>(std::floor(p.y));
  const double fx = p.x - x0, fy = p.y - y0;
  const auto at = [&](int y, int x) {
    return x < 0 || y < 0 || x >= field.cols || y >= field.rows ? -0.5 : static_cast<double>(field.at<float>(y, x));
  };
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}

/// How far from `centre` along `direction` the field first drops to 0 (linearly
/// interpolated between samples a quarter pixel apart); `limit` when it does not.
double edge_distance(const cv::Mat& field, cv::Point2d centre, cv::Point2d direction, double limit) {
  double previous_s = 0, previous_v = sample(field, centre);
  if (previous_v <= 0) return 0;
  for (double s = 0.25; s <= limit; s += 0.25) {
    const double v = sample(field, centre + s * direction);
    if (v <= 0) return previous_s + (s - previous_s) * previous_v / (previous_v - v);
    previous_s = s, previous_v = v;
  }
  return limit;
}

/// How far the crack reaches from `start` along `outward`: the farthest centre of its
/// region's pixels in a corridor `half_width` either side of the ray, within `limit`, plus
/// the half pixel a pixel reaches beyond its centre in that direction (pixels are crack
/// when their centre is: the true end lies 0 to a pixel's extent beyond the last centre).
/// Marching along the ray instead would stop at the gaps of a thin crack's zigzag and
/// find a 45° end only to 0.7 px.
double end_distance(const SkeletonBranches& s, cv::Point start, cv::Point2d outward, double half_width, double limit) {
  const int region = s.labels.at<int>(start), r = static_cast<int>(std::ceil(limit));
  double farthest = 0;
  for (int y = std::max(0, start.y - r); y <= std::min(s.labels.rows - 1, start.y + r); ++y)
    for (int x = std::max(0, start.x - r); x <= std::min(s.labels.cols - 1, start.x + r); ++x) {
      if (s.labels.at<int>(y, x) != region) continue;
      const cv::Point2d d(x - start.x, y - start.y);
      const double along = d.dot(outward), across = std::abs(d.x * outward.y - d.y * outward.x);
      if (across <= half_width && along <= limit) farthest = std::max(farthest, along);
    }
  return farthest + 0.5 * std::max(std::abs(outward.x), std::abs(outward.y));
}

/// Positive inside the crack, 0 on its edge: probability - threshold, or the mask as 0/1 - 1/2.
cv::Mat edge_field(const cv::Mat& mask, const cv::Mat& probability, double threshold) {
  cv::Mat field;
  if (!probability.empty()) {
    probability.convertTo(field, CV_32F, 1.0, -threshold);
    return field;
  }
  cv::Mat inside = mask > 0;
  inside.convertTo(field, CV_32F, 1.0 / 255, -0.5);
  return field;
}

cv::Point2d unit(cv::Point2d v) {
  const double n = std::hypot(v.x, v.y);
  return n > 0 ? v / n : cv::Point2d{1, 0};
}

double distance_at(const SkeletonBranches& s, cv::Point p) { return s.distance.at<float>(p); }

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2) return *mid;
  return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

/// The centre line, simplified to within a pixel, grown at each free end to where the
/// crack ends straight ahead (end_distance, on the mask: a thin crack's probability dips
/// under the threshold between its pixels). Thinning forks towards the corners of a flat
/// end, and the pruned fork leaves the line bent and short of it: a crack's width of
/// pixels (none under 4 px wide) is cut off each free end, and the line goes on from there
/// in the direction of the two widths (at least 8 pixels) before it.
std::vector<cv::Point2d> centre_line(const SkeletonBranch& b, const SkeletonBranches& s) {
  const std::size_t n = b.path.size();
  std::vector<double> depths;  // the crack's half width along the branch
  for (const auto& p : b.path) depths.push_back(distance_at(s, p));
  const double half_width = median_of(depths);
  // A crack under 4 px wide has no fork to cut, and its pixels zigzag about any straight ray.
  const double cut_back = half_width < 2 ? 1 : std::round(2 * half_width);
  const auto cut = std::min(static_cast<std::size_t>(cut_back), (n - 1) / 2);
  const auto reach = std::max<std::size_t>(8, static_cast<std::size_t>(std::lround(4 * half_width)));
  const double limit = 2.0 * static_cast<double>(cut) + 4 * half_width + 4;  // well past the end
  const std::size_t first = b.free_start ? cut : 0;
  const auto tip = [&](std::size_t from, std::size_t back_to, cv::Point2d fallback) {
    const cv::Point2d start(b.path[from]);
    const cv::Point2d outward = from == back_to ? fallback : unit(start - cv::Point2d(b.path[back_to]));
    return start + end_distance(s, b.path[from], outward, half_width + 1, limit) * outward;
  };
  const std::size_t last = b.free_end ? n - 1 - cut : n - 1;
  const std::vector<cv::Point> kept(b.path.begin() + static_cast<std::ptrdiff_t>(first),
                                    b.path.begin() + static_cast<std::ptrdiff_t>(last) + 1);
  std::vector<cv::Point> simplified;
  if (kept.size() > 2) cv::approxPolyDP(kept, simplified, 1.0, b.closed);
  else simplified = kept;
  std::vector<cv::Point2d> line(simplified.begin(), simplified.end());
  if (b.closed) line.push_back(line.front());
  if (b.free_start) line.insert(line.begin(), tip(first, std::min(first + reach, n - 1), {-1, 0}));
  if (b.free_end) line.push_back(tip(last, last >= reach ? last - reach : 0, {1, 0}));
  return line;
}

double polyline_length(const std::vector<cv::Point2d>& line) {
  double length = 0;
  for (std::size_t i = 1; i < line.size(); ++i) length += cv::norm(line[i] - line[i - 1]);
  return length;
}

/// The raw width at each path pixel, across the chord through its neighbours.
std::vector<double> raw_widths(const SkeletonBranch& b, const SkeletonBranches& s, const cv::Mat& field) {
  const auto n = static_cast<std::ptrdiff_t>(b.path.size());
  std::vector<double> widths;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const double d = distance_at(s, b.path[static_cast<std::size_t>(i)]);
    const auto k = static_cast<std::ptrdiff_t>(std::max(3.0, std::round(1.5 * d)));
    const auto at = [&](std::ptrdiff_t j) {
      if (b.closed) return b.path[static_cast<std::size_t>(((j % n) + n) % n)];
      return b.path[static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(j, 0, n - 1))];
    };
    const cv::Point2d along = n > 1 ? unit(cv::Point2d(at(i + k) - at(i - k))) : cv::Point2d{1, 0};
    const cv::Point2d across{-along.y, along.x};
    const cv::Point2d centre(b.path[static_cast<std::size_t>(i)]);
    const double limit = 2 * d + 4;
    widths.push_back(edge_distance(field, centre, across, limit) + edge_distance(field, centre, -across, limit));
  }
  return widths;
}

/// Which samples count: not those whose line across runs into another branch at a junction.
std::vector<bool> kept_samples(const SkeletonBranch& b, const SkeletonBranches& s) {
  std::vector<bool> kept(b.path.size(), true);
  const auto drop_near = [&](cv::Point junction) {
    const double reach = 2 * distance_at(s, junction) + 1;
    for (std::size_t i = 0; i < b.path.size(); ++i)
      if (cv::norm(b.path[i] - junction) <= reach) kept[i] = false;
  };
  if (!b.closed && !b.free_start) drop_near(b.path.front());
  if (!b.closed && !b.free_end) drop_near(b.path.back());
  if (std::count(kept.begin(), kept.end(), true) < 3) std::fill(kept.begin(), kept.end(), true);
  return kept;
}

/// A moving average over `half` samples either side (fewer at the ends).
std::vector<double> averaged(const std::vector<double>& values, std::size_t half) {
  std::vector<double> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::size_t from = i > half ? i - half : 0, to = std::min(values.size(), i + half + 1);
    out[i] = std::accumulate(values.begin() + static_cast<std::ptrdiff_t>(from), values.begin() + static_cast<std::ptrdiff_t>(to), 0.0) /
             static_cast<double>(to - from);
  }
  return out;
}


/// The principal axis of the path's pixels, in degrees in [0, 180).
double orientation_of(const std::vector<cv::Point>& path) {
  if (path.size() < 2) return 0;
  cv::Point2d mean{0, 0};
  for (const auto& p : path) mean += cv::Point2d(p);
  mean /= static_cast<double>(path.size());
  double xx = 0, yy = 0, xy = 0;
  for (const auto& p : path) {
    const cv::Point2d d = cv::Point2d(p) - mean;
    xx += d.x * d.x, yy += d.y * d.y, xy += d.x * d.y;
  }
  double degrees = 0.5 * std::atan2(2 * xy, xx - yy) * 180 / CV_PI;
  if (degrees < 0) degrees += 180;
  return degrees >= 180 ? degrees - 180 : degrees;
}

/// Widths, their statistics and where the widest point lies, from the kept samples.
void measure_widths(CrackObject& c, const SkeletonBranch& b, const SkeletonBranches& s, const cv::Mat& field) {
  const auto raw = raw_widths(b, s, field);
  const auto kept = kept_samples(b, s);
  std::vector<double> kept_raw;
  std::vector<cv::Point> kept_at;
  for (std::size_t i = 0; i < raw.size(); ++i)
    if (kept[i]) kept_raw.push_back(raw[i]), kept_at.push_back(b.path[i]);
  const auto half = static_cast<std::size_t>(std::max(5.0, std::round(median_of(kept_raw) / 4)));
  c.widths = averaged(kept_raw, half);
  for (const auto& p : kept_at) c.samples.push_back(cv::Point2d(p) + kHalfPixel);
  const auto widest = std::max_element(c.widths.begin(), c.widths.end());
  c.max_width_px = *widest;
  // Where: the widest point of the profile averaged over 5 samples only, within the long
  // average's window (a long average moves a lopsided peak towards its gentler side).
  const auto centre = static_cast<std::size_t>(widest - c.widths.begin());
  const auto fine = averaged(kept_raw, 2);
  const std::size_t from = centre > half ? centre - half : 0, to = std::min(fine.size(), centre + half + 1);
  const auto at = std::max_element(fine.begin() + static_cast<std::ptrdiff_t>(from), fine.begin() + static_cast<std::ptrdiff_t>(to));
  c.max_width_at = c.samples[static_cast<std::size_t>(at - fine.begin())];
  c.mean_width_px = std::accumulate(c.widths.begin(), c.widths.end(), 0.0) / static_cast<double>(c.widths.size());
  c.median_width_px = median_of(c.widths);
}

/// The crack's extent within the photo.
cv::Rect2d extent_of(const CrackObject& c, cv::Size photo) {
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  const auto grow = [&](cv::Point2d p, double r) {
    x0 = std::min(x0, p.x - r), y0 = std::min(y0, p.y - r), x1 = std::max(x1, p.x + r), y1 = std::max(y1, p.y + r);
  };
  for (std::size_t i = 0; i < c.samples.size(); ++i) grow(c.samples[i], c.widths[i] / 2);
  for (const auto& p : c.line) grow(p, 0);
  x0 = std::max(x0, 0.0), y0 = std::max(y0, 0.0);
  x1 = std::min(x1, static_cast<double>(photo.width)), y1 = std::min(y1, static_cast<double>(photo.height));
  return {x0, y0, x1 - x0, y1 - y0};
}

}  // namespace

std::vector<CrackObject> crack_objects(const cv::Mat& mask, const cv::Mat& probability, const CrackObjectOptions& o) {
  if (!probability.empty() && (probability.size() != mask.size() || probability.type() != CV_32FC1))
    throw Error("crack_objects: the probability map must be CV_32F of the mask's size");
  const auto skeleton = skeleton_branches(mask, o.spur_factor);
  const cv::Mat field = edge_field(mask, probability, o.threshold);
  std::vector<CrackObject> cracks;
  for (const auto& b : skeleton.branches) {
    CrackObject c;
    c.region = skeleton.labels.at<int>(b.path.front());
    for (auto p : centre_line(b, skeleton)) c.line.push_back(p + kHalfPixel);
    c.length_px = polyline_length(c.line);
    if (c.length_px < o.min_length_px) continue;
    measure_widths(c, b, skeleton, field);
    c.orientation_deg = orientation_of(b.path);
    c.box = extent_of(c, mask.size());
    cracks.push_back(std::move(c));
  }
  std::sort(cracks.begin(), cracks.end(), [](const CrackObject& a, const CrackObject& b) {
    return std::make_pair(a.box.y, a.box.x) < std::make_pair(b.box.y, b.box.x);
  });
  for (std::size_t i = 0; i < cracks.size(); ++i) cracks[i].id = static_cast<int>(i + 1);
  return cracks;
}

CrackTotals totals_of(const cv::Mat& mask, const std::vector<CrackObject>& cracks) {
  CrackTotals t;
  t.area_px = cv::countNonZero(mask);
  t.cracks = static_cast<std::int64_t>(cracks.size());
  for (const auto& c : cracks) t.length_px += c.length_px, t.max_width_px = std::max(t.max_width_px, c.max_width_px);
  t.mean_width_px = t.length_px > 0 ? static_cast<double>(t.area_px) / t.length_px : 0;
  return t;
}

}  // namespace crackkd::measurement
