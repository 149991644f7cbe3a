#include "measurement/marker_scale.hpp"

#include <crackkd/error.hpp>

#include <opencv2/aruco.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <utility>

namespace crackkd::measurement {

namespace {

using Name = cv::aruco::PREDEFINED_DICTIONARY_NAME;

const std::vector<std::pair<std::string, Name>>& dictionaries() {
  static const std::vector<std::pair<std::string, Name>> known{
      {"4X4_50", cv::aruco::DICT_4X4_50},       {"4X4_100", cv::aruco::DICT_4X4_100},
      {"4X4_250", cv::aruco::DICT_4X4_250},     {"4X4_1000", cv::aruco::DICT_4X4_1000},
      {"5X5_50", cv::aruco::DICT_5X5_50},       {"5X5_100", cv::aruco::DICT_5X5_100},
      {"5X5_250", cv::aruco::DICT_5X5_250},     {"5X5_1000", cv::aruco::DICT_5X5_1000},
      {"6X6_50", cv::aruco::DICT_6X6_50},       {"6X6_100", cv::aruco::DICT_6X6_100},
      {"6X6_250", cv::aruco::DICT_6X6_250},     {"6X6_1000", cv::aruco::DICT_6X6_1000},
      {"7X7_50", cv::aruco::DICT_7X7_50},       {"7X7_100", cv::aruco::DICT_7X7_100},
      {"7X7_250", cv::aruco::DICT_7X7_250},     {"7X7_1000", cv::aruco::DICT_7X7_1000},
      {"ARUCO_ORIGINAL", cv::aruco::DICT_ARUCO_ORIGINAL}, {"APRILTAG_16h5", cv::aruco::DICT_APRILTAG_16h5},
      {"APRILTAG_25h9", cv::aruco::DICT_APRILTAG_25h9},   {"APRILTAG_36h10", cv::aruco::DICT_APRILTAG_36h10},
      {"APRILTAG_36h11", cv::aruco::DICT_APRILTAG_36h11}};
  return known;
}

Name dictionary_named(const std::string& name) {
  for (const auto& [n, d] : dictionaries())
    if (n == name) return d;
  std::string known;
  for (const auto& n : marker_dictionaries()) known += (known.empty() ? "" : ", ") + n;
  throw Error("--marker-dictionary '" + name + "': unknown; one of " + known);
}

/// (largest - smallest) / mean.
double spread_of(const std::vector<double>& v) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return (*hi - *lo) / (std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()));
}

double distance(cv::Point2f a, cv::Point2f b) { return std::hypot(double(a.x) - b.x, double(a.y) - b.y); }

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %%", fraction * 100);
  return text;
}

std::string shortest(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

/// "marker 4X4_50 id 7" or "markers 4X4_50 ids 3, 7".
std::string markers_named(const std::vector<FoundMarker>& markers, const std::string& dictionary) {
  std::string ids;
  for (const auto& m : markers) ids += (ids.empty() ? "" : ", ") + std::to_string(m.id);
  return (markers.size() == 1 ? "marker " : "markers ") + dictionary + (markers.size() == 1 ? " id " : " ids ") + ids;
}

/// The corners to a fraction of a pixel, in a window under half a module wide: the
/// detector's own refinement uses a fixed window (5 px each way) that on a small marker
/// reaches the code inside and pulls the corners in (a 30 px marker came out 8 % small).
void refine_corners(const cv::Mat& grey, std::vector<cv::Point2f>& corners, int modules) {
  double side = 0;
  for (int k = 0; k < 4; ++k) side += distance(corners[k], corners[(k + 1) % 4]) / 4;
  const int window = std::clamp(static_cast<int>(side / modules * 0.4), 1, 5);
  cv::cornerSubPix(grey, corners, {window, window}, {-1, -1},
                   cv::TermCriteria(cv::TermCriteria::MAX_ITER | cv::TermCriteria::EPS, 30, 0.01));
}

/// A marker's area with its white margin: the quad grown about its centre by a module on
/// each side (`modules` across the black square).
std::vector<cv::Point> area_of(const FoundMarker& m, int modules) {
  cv::Point2d centre(0, 0);
  for (const auto& c : m.corners) centre += cv::Point2d(c) / 4.0;
  const double grow = (modules + 2.0) / modules;
  std::vector<cv::Point> area;
  for (const auto& c : m.corners) area.emplace_back(centre + (cv::Point2d(c) - centre) * grow);
  return area;
}

PhotoScale scale_from(const std::vector<FoundMarker>& markers, const MarkerOptions& o) {
  if (markers.empty()) return {0, "no " + o.dictionary + " marker found", 0, {}};
  std::vector<double> sides, diagonals;
  for (const auto& m : markers) {
    for (int k = 0; k < 4; ++k) sides.push_back(distance(m.corners[k], m.corners[(k + 1) % 4]));
    diagonals.push_back(distance(m.corners[0], m.corners[2]));
    diagonals.push_back(distance(m.corners[1], m.corners[3]));
  }
  const double side_spread = spread_of(sides), diagonal_spread = spread_of(diagonals);
  const std::string named = markers_named(markers, o.dictionary);
  if (side_spread > o.max_spread || diagonal_spread > o.max_spread)
    return {0,
            named + " far from fronto-parallel, scale not used: sides differ by " + percent(side_spread) +
                ", diagonals by " + percent(diagonal_spread) + " (limit " + percent(o.max_spread) + ")",
            side_spread, {}};
  const double mean_side = std::accumulate(sides.begin(), sides.end(), 0.0) / static_cast<double>(sides.size());
  return {o.side_mm / mean_side, named + ", side " + shortest(o.side_mm) + " mm", side_spread, {}};
}

}  // namespace

std::vector<std::string> marker_dictionaries() {
  std::vector<std::string> names;
  for (const auto& [n, d] : dictionaries()) names.push_back(n);
  return names;
}

void check_marker_options(const MarkerOptions& o) {
  if (!(o.side_mm > 0) || !std::isfinite(o.side_mm))
    throw Error("--marker-mm " + shortest(o.side_mm) + ": the printed marker's side must be a positive number of millimetres");
  if (!(o.max_spread > 0) || !(o.max_spread < 1))
    throw Error("--marker-max-spread " + shortest(o.max_spread) + ": must lie between 0 and 1");
  dictionary_named(o.dictionary);
}

std::vector<FoundMarker> find_markers(const cv::Mat& photo, const std::string& dictionary) {
  cv::Mat grey = photo;
  if (photo.channels() == 3) cv::cvtColor(photo, grey, cv::COLOR_BGR2GRAY);
  else if (photo.channels() == 4) cv::cvtColor(photo, grey, cv::COLOR_BGRA2GRAY);
  const auto codes = cv::aruco::getPredefinedDictionary(dictionary_named(dictionary));
  std::vector<std::vector<cv::Point2f>> corners;
  std::vector<int> ids;
  cv::aruco::detectMarkers(grey, codes, corners, ids);
  std::vector<FoundMarker> found;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    refine_corners(grey, corners[i], codes->markerSize + 2);
    found.push_back({ids[i], corners[i]});
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return found;
}

PhotoScale scale_of_markers(const std::vector<FoundMarker>& markers, const MarkerOptions& o) {
  auto scale = scale_from(markers, o);
  const int modules = cv::aruco::getPredefinedDictionary(dictionary_named(o.dictionary))->markerSize + 2;
  for (const auto& m : markers) scale.marker_areas.push_back(area_of(m, modules));
  return scale;
}

void erase_markers(cv::Mat& mask, const PhotoScale& scale) {
  for (const auto& area : scale.marker_areas) cv::fillConvexPoly(mask, area, cv::Scalar(0));
}

PhotoScale marker_scale(const cv::Mat& photo, const MarkerOptions& options) {
  return scale_of_markers(find_markers(photo, options.dictionary), options);
}

}  // namespace crackkd::measurement
