// A photo's scale read off a printed ArUco marker: within 2 % of the true scale on marker
// photos drawn at known sizes (sides of 30 to 200 px, whole and fractional, turned in the
// photo, slightly tilted, JPEG-compressed and blurred), and refused, with the reason, for
// a marker seen at a steep angle or no marker at all.

#include "framework/measurement/marker_photo.hpp"
#include "measurement/marker_scale.hpp"

#include <crackkd/error.hpp>

#include <gmock/gmock.h>
#include <opencv2/imgcodecs.hpp>

using crackkd::measurement::marker_scale;
using crackkd::measurement::MarkerOptions;
using crackkd::test::draw_marker;
using crackkd::test::turned;
using crackkd::test::wall;
using ::testing::HasSubstr;

namespace {

constexpr double kSideMm = 50;
const MarkerOptions kOptions{kSideMm, "4X4_50", 0.03};

cv::Mat marker_photo(double side_px, int id = 7) {
  cv::Mat photo = wall({1200, 900});
  draw_marker(photo, id, side_px, {430.3, 310.6});
  return photo;
}

/// The scale found, relative to the true one (1 = exact).
double relative_scale(const cv::Mat& photo, double side_px) {
  const auto scale = marker_scale(photo, kOptions);
  EXPECT_TRUE(scale.known()) << scale.source;
  return scale.mm_per_px / (kSideMm / side_px);
}

TEST(MarkerScale, ReadsTheScaleOffAFrontoParallelMarkerWithinTwoPercent) {
  for (const double side : {200.0, 173.4, 96.7, 61.2, 40.0, 30.0}) {
    const auto photo = marker_photo(side);
    EXPECT_NEAR(relative_scale(photo, side), 1.0, 0.02) << side << " px";
    const auto scale = marker_scale(photo, kOptions);
    EXPECT_THAT(scale.source, HasSubstr("marker 4X4_50 id 7, side 50 mm"));
    EXPECT_LT(scale.spread, 0.02) << side;
  }
}

TEST(MarkerScale, AMarkerTurnedInThePhotoGivesTheSameScale) {
  const double side = 150;
  const cv::Mat photo = marker_photo(side);
  for (const double degrees : {30.0, 45.0, 117.0}) {
    cv::Mat rotated;
    const cv::Mat r = cv::getRotationMatrix2D({600, 450}, degrees, 1.0);
    cv::warpAffine(photo, rotated, r, photo.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    EXPECT_NEAR(relative_scale(rotated, side), 1.0, 0.02) << degrees << " degrees";
  }
}

TEST(MarkerScale, SurvivesJpegAndBlurAsPhotosHaveThem) {
  const double side = 120;
  cv::Mat photo = marker_photo(side), blurred;
  cv::GaussianBlur(photo, blurred, {0, 0}, 1.2);
  std::vector<uchar> jpeg;
  cv::imencode(".jpg", blurred, jpeg, {cv::IMWRITE_JPEG_QUALITY, 75});
  EXPECT_NEAR(relative_scale(cv::imdecode(jpeg, cv::IMREAD_COLOR), side), 1.0, 0.02);
}

TEST(MarkerScale, AMarkerSlightlyTiltedIsUsedASteepOneIsReportedNotUsed) {
  const double side = 150;
  const cv::Mat photo = marker_photo(side);
  // 5 degrees: the sides differ by well under the limit; the scale is still within 2 %.
  EXPECT_NEAR(relative_scale(turned(photo, 5), side), 1.0, 0.02);
  // 35 degrees: the near side is far longer than the far side.
  const auto steep = marker_scale(turned(photo, 35), kOptions);
  EXPECT_FALSE(steep.known());
  EXPECT_THAT(steep.source, HasSubstr("far from fronto-parallel, scale not used"));
  EXPECT_THAT(steep.source, HasSubstr("limit 3.0 %"));
  EXPECT_GT(steep.spread, 0.03);
  // Turned 45 degrees in the photo first, the sides stay alike but the diagonals do not.
  cv::Mat diamond;
  cv::warpAffine(photo, diamond, cv::getRotationMatrix2D({600, 450}, 45, 1.0), photo.size(), cv::INTER_LINEAR,
                 cv::BORDER_REPLICATE);
  const auto sheared = marker_scale(turned(diamond, 35), kOptions);
  EXPECT_FALSE(sheared.known()) << sheared.source;
  EXPECT_THAT(sheared.source, HasSubstr("diagonals by"));
}

TEST(MarkerScale, SeveralMarkersAreAveragedAndNamed) {
  cv::Mat photo = wall({1200, 900});
  draw_marker(photo, 3, 100, {100, 100});
  draw_marker(photo, 12, 100, {800, 600});
  const auto scale = marker_scale(photo, kOptions);
  ASSERT_TRUE(scale.known()) << scale.source;
  EXPECT_NEAR(scale.mm_per_px / (kSideMm / 100), 1.0, 0.02);
  EXPECT_THAT(scale.source, HasSubstr("markers 4X4_50 ids 3, 12"));
}

TEST(MarkerScale, TheMarkersSquareAndMarginAreErasedFromACrackMask) {
  const cv::Mat photo = marker_photo(150);  // the black square from (430.3, 310.6), 150 px
  cv::Mat mask(photo.size(), CV_8U, cv::Scalar(255));
  crackkd::measurement::erase_markers(mask, marker_scale(photo, kOptions));
  // Cleared: the square and a module (25 px) round it; kept: what lies beyond.
  EXPECT_EQ(cv::countNonZero(mask(cv::Rect(410, 290, 190, 190))), 0);
  EXPECT_EQ(cv::countNonZero(mask(cv::Rect(0, 0, 400, 900))), 400 * 900);
  EXPECT_EQ(cv::countNonZero(mask(cv::Rect(612, 0, 588, 900))), 588 * 900);
  // A marker too steep to give the scale is still no crack.
  cv::Mat steep_mask(photo.size(), CV_8U, cv::Scalar(255));
  const auto steep = marker_scale(turned(photo, 35), kOptions);
  ASSERT_FALSE(steep.known());
  crackkd::measurement::erase_markers(steep_mask, steep);
  EXPECT_GT(cv::countNonZero(steep_mask == 0), 100 * 100);
}

TEST(MarkerScale, NoMarkerOrAnotherDictionarySaysSo) {
  const auto none = marker_scale(wall({640, 480}), kOptions);
  EXPECT_FALSE(none.known());
  EXPECT_EQ(none.source, "no 4X4_50 marker found");
  const auto other = marker_scale(marker_photo(150), {kSideMm, "6X6_250", 0.03});
  EXPECT_FALSE(other.known());
  EXPECT_EQ(other.source, "no 6X6_250 marker found");
}

TEST(MarkerScale, BadOptionsAreNamed) {
  using crackkd::measurement::check_marker_options;
  EXPECT_NO_THROW(check_marker_options(kOptions));
  try {
    check_marker_options({0, "4X4_50", 0.03});
    FAIL();
  } catch (const crackkd::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("--marker-mm 0"));
  }
  try {
    check_marker_options({50, "4x4", 0.03});
    FAIL();
  } catch (const crackkd::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("--marker-dictionary '4x4': unknown; one of 4X4_50"));
  }
  EXPECT_THROW(check_marker_options({50, "4X4_50", 0}), crackkd::Error);
}

}  // namespace
