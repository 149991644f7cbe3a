#pragma once
// Test photos with a printed ArUco marker on a wall: a textured grey background, the
// marker (black border and code) on a white quiet zone one module wide, drawn at a chosen
// side in pixels, to a fraction of a pixel (rendered 8x larger, then shrunk by area).

#include <opencv2/aruco.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace crackkd::test {

/// A wall texture: mid grey with fine noise, seeded.
inline cv::Mat wall(cv::Size size, unsigned seed = 1) {
  cv::Mat w(size, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(w, cv::RNG::NORMAL, cv::Scalar::all(140), cv::Scalar::all(12));
  cv::GaussianBlur(w, w, {3, 3}, 0.8);
  return w;
}

/// Draws marker `id` of DICT_4X4_50, `side_px` wide (the black border's outer edge), with
/// its top-left at `at`, onto `photo` (BGR).
inline void draw_marker(cv::Mat& photo, int id, double side_px, cv::Point2d at) {
  constexpr int kModules = 6, kZoom = 8;  // 4x4 code + a border module each side
  const auto dictionary = cv::aruco::getPredefinedDictionary(cv::aruco::DICT_4X4_50);
  const int big_side = kModules * 40 * kZoom;
  cv::Mat marker;
  cv::aruco::drawMarker(dictionary, id, big_side, marker, 1);
  const int quiet = big_side / kModules;  // a white module round it
  cv::Mat big(big_side + 2 * quiet, big_side + 2 * quiet, CV_8U, cv::Scalar(255));
  marker.copyTo(big(cv::Rect(quiet, quiet, big_side, big_side)));
  // The marker's corners in `big` map to `at` .. `at` + side: an affine map sampled by area.
  const double s = side_px / big_side;
  const cv::Mat m = (cv::Mat_<double>(2, 3) << s, 0, at.x - quiet * s, 0, s, at.y - quiet * s);
  cv::Mat grey_photo(photo.size(), CV_8U), coverage(photo.size(), CV_8U);
  cv::Mat blurred;
  cv::GaussianBlur(big, blurred, {0, 0}, 0.5 / s);  // no aliasing when shrinking
  cv::warpAffine(blurred, grey_photo, m, photo.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::warpAffine(cv::Mat(big.size(), CV_8U, cv::Scalar(255)), coverage, m, photo.size(), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::Mat grey3, weight;
  cv::cvtColor(grey_photo, grey3, cv::COLOR_GRAY2BGR);
  cv::cvtColor(coverage, weight, cv::COLOR_GRAY2BGR);
  weight.convertTo(weight, CV_32FC3, 1.0 / 255);
  cv::Mat p, g;
  photo.convertTo(p, CV_32FC3);
  grey3.convertTo(g, CV_32FC3);
  cv::Mat blended = g.mul(weight) + p.mul(cv::Scalar::all(1) - weight);
  blended.convertTo(photo, CV_8UC3);
}

/// `photo` as a wall turned `degrees` about the vertical line through its centre, seen
/// by a pinhole camera of focal length `focal` px at `focal` px from the wall: the wall
/// foreshortened across and the nearer half larger, as a photo taken at an angle.
inline cv::Mat turned(const cv::Mat& photo, double degrees, double focal = 1000) {
  const double t = degrees * CV_PI / 180, cx = photo.cols / 2.0, cy = photo.rows / 2.0;
  const auto seen = [&](cv::Point2f p) {
    const double x = p.x - cx, y = p.y - cy, depth = focal + x * std::sin(t);
    return cv::Point2f(static_cast<float>(cx + focal * x * std::cos(t) / depth), static_cast<float>(cy + focal * y / depth));
  };
  const float w = static_cast<float>(photo.cols), h = static_cast<float>(photo.rows);
  const cv::Point2f from[4] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  const cv::Point2f to[4] = {seen(from[0]), seen(from[1]), seen(from[2]), seen(from[3])};
  cv::Mat out;
  cv::warpPerspective(photo, out, cv::getPerspectiveTransform(from, to), photo.size(), cv::INTER_LINEAR,
                      cv::BORDER_REPLICATE);
  return out;
}

}  // namespace crackkd::test
