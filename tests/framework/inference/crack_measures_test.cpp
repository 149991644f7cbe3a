#include "inference/crack_measures.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <cmath>

using crackkd::inference::measure_cracks;

namespace {

/// A band of exact length and width along a direction, centred at `centre`: the pixels
/// whose centres lie in the rectangle -length/2 <= along < length/2, -width/2 <= across
/// < width/2. Half-open, so an axis-aligned band is exactly `width` pixels across and
/// `length` along (odd or even, wherever the centre falls), and its area is length x width
/// to within a pixel per unit of length at other angles (away from 45°, where pixel
/// centres line up). (cv::fillConvexPoly on the rounded corners also fills the boundary
/// pixels: width + 1 across, so the mean width read 4.0 for a band drawn 3 wide.)
void draw_band(cv::Mat& mask, cv::Point2d centre, double angle_deg, double length, double width) {
  const double a = angle_deg * M_PI / 180.0;
  const cv::Point2d along(std::cos(a), std::sin(a)), across(-std::sin(a), std::cos(a));
  for (int y = 0; y < mask.rows; ++y)
    for (int x = 0; x < mask.cols; ++x) {
      const cv::Point2d d = cv::Point2d(x, y) - centre;
      const double u = d.dot(along), v = d.dot(across);
      if (-length / 2 <= u && u < length / 2 && -width / 2 <= v && v < width / 2) mask.at<std::uint8_t>(y, x) = 255;
    }
}

}  // namespace

TEST(CrackMeasures, LengthAndWidthOfADrawnBandWithinTenPercent) {
  struct Case {
    double angle, length, width;
  };
  for (const Case c : {Case{0, 700, 9}, Case{30, 600, 6}, Case{-55, 500, 12}, Case{90, 400, 3}, Case{0, 600, 4},
                       Case{22.5, 500, 8}}) {
    cv::Mat mask = cv::Mat::zeros(750, 1000, CV_8UC1);
    draw_band(mask, {500, 375}, c.angle, c.length, c.width);
    const auto m = measure_cracks(mask);
    SCOPED_TRACE("angle " + std::to_string(c.angle) + " length " + std::to_string(c.length) + " width " +
                 std::to_string(c.width) + ": area " + std::to_string(m.area_px) + ", measured length " +
                 std::to_string(m.length_px) + ", mean width " + std::to_string(m.mean_width_px) + ", max width " +
                 std::to_string(m.max_width_px));
    // The drawing itself: its area is length x width (to about a pixel per unit of length).
    ASSERT_NEAR(static_cast<double>(m.area_px), c.length * c.width, 0.03 * c.length * c.width);
    EXPECT_NEAR(m.length_px, c.length, 0.1 * c.length);
    // Against the nominal width drawn, not against area / true length (which would only
    // repeat the length check).
    EXPECT_NEAR(m.mean_width_px, c.width, 0.1 * c.width);
    // 2d - 1 on the skeleton: exact for odd widths along an axis, a pixel short for even
    // ones (see crack_measures.hpp); at an angle the pixel grid costs up to ~0.8 px.
    EXPECT_NEAR(m.max_width_px, c.width, 1.0);
    EXPECT_EQ(m.components, 1);
  }
}

TEST(CrackMeasures, TwoCracksAddUpAndAnEmptyMaskMeasuresNothing) {
  cv::Mat mask = cv::Mat::zeros(300, 400, CV_8UC1);
  EXPECT_EQ(measure_cracks(mask).area_px, 0);
  EXPECT_EQ(measure_cracks(mask).length_px, 0);
  draw_band(mask, {200, 80}, 0, 300, 5);
  draw_band(mask, {200, 220}, 0, 200, 5);
  const auto m = measure_cracks(mask);
  EXPECT_EQ(m.components, 2);
  EXPECT_NEAR(m.length_px, 500, 50);
  EXPECT_EQ(m.area_px, cv::countNonZero(mask));
}

TEST(CrackMeasures, ACrackRunningOffThePhotoIsMeasuredToTheEdge) {
  cv::Mat mask = cv::Mat::zeros(200, 300, CV_8UC1);
  mask(cv::Rect(0, 100, 300, 7)).setTo(255);  // spans the full width
  const auto m = measure_cracks(mask);
  EXPECT_NEAR(m.length_px, 300, 30);
  EXPECT_NEAR(m.mean_width_px, 7, 0.7);
}
