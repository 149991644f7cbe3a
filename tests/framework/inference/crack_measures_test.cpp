#include "inference/crack_measures.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <cmath>

using crackkd::inference::measure_cracks;

namespace {

/// A filled band of exact length and width along a direction, centred at `centre`.
void draw_band(cv::Mat& mask, cv::Point2d centre, double angle_deg, double length, double width) {
  const double a = angle_deg * M_PI / 180.0;
  const cv::Point2d along(std::cos(a) * length / 2, std::sin(a) * length / 2);
  const cv::Point2d across(-std::sin(a) * width / 2, std::cos(a) * width / 2);
  std::vector<cv::Point> corners;
  for (auto p : {centre - along - across, centre + along - across, centre + along + across, centre - along + across})
    corners.emplace_back(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y)));
  cv::fillConvexPoly(mask, corners, cv::Scalar(255));
}

}  // namespace

TEST(CrackMeasures, LengthAndWidthOfADrawnBandWithinTenPercent) {
  struct Case {
    double angle, length, width;
  };
  for (const Case c : {Case{0, 700, 9}, Case{30, 600, 6}, Case{-55, 500, 12}, Case{90, 400, 3}}) {
    cv::Mat mask = cv::Mat::zeros(750, 1000, CV_8UC1);
    draw_band(mask, {500, 375}, c.angle, c.length, c.width);
    const auto m = measure_cracks(mask);
    // The rasterised band includes its boundary pixels: its true width is its pixel area
    // over its length (about c.width + 1).
    const double width = cv::countNonZero(mask) / c.length;
    SCOPED_TRACE("angle " + std::to_string(c.angle) + " length " + std::to_string(c.length) + " width " +
                 std::to_string(width) + ": measured length " + std::to_string(m.length_px) + ", mean width " +
                 std::to_string(m.mean_width_px));
    EXPECT_NEAR(m.length_px, c.length, 0.1 * c.length);
    EXPECT_NEAR(m.mean_width_px, width, 0.1 * width);
    EXPECT_NEAR(m.max_width_px, width, 1.5);
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
