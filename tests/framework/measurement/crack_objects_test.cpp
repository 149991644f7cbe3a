// Cracks drawn at known geometry (straight at many angles, curved, branching, tapered;
// widths 1-20 px; flat ends) and measured back: one object per drawn crack, its length
// within 3 % of the drawn centre line's, its widths within max(0.5 px, 10 %), its widest
// point within 2 px of where it was drawn. Shapes are rasterised by area: drawn 8 times
// finer, each pixel's covered share is its coverage, and a pixel is crack when half of it
// is covered (or it lies on the centre line, so that a 1-px crack stays connected).

#include "measurement/crack_objects.hpp"

#include <gmock/gmock.h>
#include <opencv2/imgproc.hpp>

#include <cmath>

using namespace crackkd::measurement;

namespace {

constexpr int kFine = 8;

/// A drawing: polygons filled at 8x, read back as coverage, and the centre lines.
struct Drawing {
  cv::Size size;
  cv::Mat fine;
  cv::Mat centre;  ///< the centre lines, 8-connected, at the photo's resolution

  explicit Drawing(cv::Size s)
      : size(s), fine(cv::Mat::zeros(s.height * kFine, s.width * kFine, CV_8U)), centre(cv::Mat::zeros(s, CV_8U)) {}

  /// Fills `polygon` (pixel-index coordinates: pixel (x, y)'s centre at (x, y)).
  void fill(const std::vector<cv::Point2d>& polygon) {
    std::vector<cv::Point> fine_points;
    for (const auto& p : polygon)  // to the fine grid, in 1/256 pixel (shift 8)
      fine_points.emplace_back(static_cast<int>(std::lround(((p.x + 0.5) * kFine - 0.5) * 256)),
                               static_cast<int>(std::lround(((p.y + 0.5) * kFine - 0.5) * 256)));
    cv::fillPoly(fine, std::vector<std::vector<cv::Point>>{fine_points}, 255, cv::LINE_8, 8);
  }
  void centre_line(cv::Point2d a, cv::Point2d b) { cv::line(centre, cv::Point(a), cv::Point(b), 255, 1, cv::LINE_8); }

  cv::Mat coverage() const {
    cv::Mat f, c;
    fine.convertTo(f, CV_32F, 1.0 / 255);
    cv::resize(f, c, size, 0, 0, cv::INTER_AREA);
    return c;
  }
  cv::Mat mask() const { return (coverage() >= 0.5) | centre; }
};

cv::Point2d direction(double degrees) { return {std::cos(degrees * CV_PI / 180), std::sin(degrees * CV_PI / 180)}; }

/// A band from `a` to `b` of `width`, flat-ended.
void draw_band(Drawing& d, cv::Point2d a, cv::Point2d b, double width) {
  const cv::Point2d along = (b - a) / cv::norm(b - a), across{-along.y * width / 2, along.x * width / 2};
  d.fill({a + across, b + across, b - across, a - across});
  d.centre_line(a + along, b - along);  // a pixel short at each end: rounding would lengthen it
}

double width_tolerance(double width) { return std::max(0.5, 0.1 * width); }

struct Straight {
  double angle, width, length;
};

class StraightCrack : public testing::TestWithParam<Straight> {};

TEST_P(StraightCrack, IsOneObjectOfItsLengthAndWidth) {
  const auto [angle, width, length] = GetParam();
  const cv::Point2d along = direction(angle) * length;
  const int margin = static_cast<int>(width) + 6;
  const cv::Size size(static_cast<int>(std::abs(along.x)) + 2 * margin, static_cast<int>(std::abs(along.y)) + 2 * margin);
  // Off the pixel grid by a fraction, so no edge runs through pixel centres.
  const cv::Point2d a{margin + (along.x < 0 ? -along.x : 0) + 0.31, margin + (along.y < 0 ? -along.y : 0) + 0.27};
  Drawing d(size);
  draw_band(d, a, a + along, width);
  // A mask can hold a band only as whole pixels: at 45° its width comes in steps of 0.71 px.
  // Measured on the mask, the truth is the mask's own mean width (its area over its
  // length); on the coverage, the drawn width.
  const cv::Mat mask = d.mask();
  const double rasterised = cv::countNonZero(mask) / length;
  ASSERT_NEAR(rasterised, width, std::max(0.75, 0.1 * width)) << "the drawing";
  for (const bool with_probability : {false, true}) {
    SCOPED_TRACE(with_probability ? "from the coverage as probability" : "from the mask");
    const auto cracks = crack_objects(mask, with_probability ? d.coverage() : cv::Mat{});
    ASSERT_EQ(cracks.size(), 1u);
    const auto& c = cracks[0];
    const double truth = with_probability ? width : rasterised;
    EXPECT_NEAR(c.length_px, length, 0.03 * length);
    EXPECT_NEAR(c.median_width_px, truth, width_tolerance(truth));
    EXPECT_NEAR(c.max_width_px, truth, width_tolerance(truth));
    EXPECT_NEAR(c.mean_width_px, truth, width_tolerance(truth));
    const double turned = std::fmod(angle + 180, 180);
    EXPECT_NEAR(std::min(std::abs(c.orientation_deg - turned), 180 - std::abs(c.orientation_deg - turned)), 0, 3);
  }
}

std::vector<Straight> straight_cracks() {
  std::vector<Straight> all;
  for (const double angle : {0.0, 10.0, 22.5, 30.0, 45.0, 60.0, 77.0, 90.0, 135.0, 160.0})
    for (const double width : {1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0}) all.push_back({angle, width, std::max(60.0, 8 * width)});
  all.push_back({33.0, 4.0, 2000.0});
  all.push_back({0.0, 1.0, 50.0});
  return all;
}

INSTANTIATE_TEST_SUITE_P(AnglesAndWidths, StraightCrack, testing::ValuesIn(straight_cracks()),
                         [](const auto& info) {
                           return "angle" + std::to_string(static_cast<int>(info.param.angle * 10)) + "_width" +
                                  std::to_string(static_cast<int>(info.param.width)) + "_length" +
                                  std::to_string(static_cast<int>(info.param.length));
                         });

TEST(CrackObjects, ACurvedCrackMeasuresAlongItsArc) {
  const double radius = 150, width = 6, from = 20, to = 140;  // degrees
  Drawing d({360, 220});
  const cv::Point2d centre{180.3, 10.27};  // no edge through pixel centres
  std::vector<cv::Point2d> outline;
  for (double t = from; t <= to + 1e-9; t += 0.5) outline.push_back(centre + (radius + width / 2) * direction(t));
  for (double t = to; t >= from - 1e-9; t -= 0.5) outline.push_back(centre + (radius - width / 2) * direction(t));
  d.fill(outline);
  for (double t = from; t < to; t += 0.5) d.centre_line(centre + radius * direction(t), centre + radius * direction(t + 0.5));
  const auto cracks = crack_objects(d.mask());
  ASSERT_EQ(cracks.size(), 1u);
  EXPECT_NEAR(cracks[0].length_px, radius * (to - from) * CV_PI / 180, 0.03 * radius * (to - from) * CV_PI / 180);
  EXPECT_NEAR(cracks[0].median_width_px, width, width_tolerance(width));
  EXPECT_NEAR(cracks[0].max_width_px, width, width_tolerance(width));
}

TEST(CrackObjects, ABranchingCrackSplitsAtItsJunction) {
  Drawing d({300, 300});
  const cv::Point2d junction{150.3, 140.2};
  const std::vector<std::pair<double, double>> arms = {{90, 100}, {210, 120}, {330, 80}};  // angle, length
  for (const auto& [angle, length] : arms) draw_band(d, junction, junction + length * direction(angle), 5);
  const auto cracks = crack_objects(d.mask());
  ASSERT_EQ(cracks.size(), 3u);
  double total = 0;
  for (const auto& c : cracks) {
    total += c.length_px;
    EXPECT_NEAR(c.median_width_px, 5, width_tolerance(5));
    EXPECT_NEAR(c.max_width_px, 5, width_tolerance(5)) << "the junction's width is not the arm's";
    EXPECT_EQ(c.region, cracks[0].region) << "one connected crack";
  }
  EXPECT_NEAR(total, 300, 0.03 * 300);
  std::vector<double> lengths;
  for (const auto& c : cracks) lengths.push_back(c.length_px);
  std::sort(lengths.begin(), lengths.end());
  EXPECT_NEAR(lengths[0], 80, 5);
  EXPECT_NEAR(lengths[1], 100, 5);
  EXPECT_NEAR(lengths[2], 120, 5);
}

TEST(CrackObjects, TheWidestPointIsFoundWhereItWasDrawn) {
  // Half widths rising from 1 to 8 over the first 35 % of a 300 px crack at 20°, then falling to 1.
  const cv::Point2d a{20.4, 30.3}, along = direction(20), across{-along.y, along.x};
  const double length = 300, peak_at = 0.35 * length;
  const auto half_width = [&](double s) { return s < peak_at ? 1 + 7 * s / peak_at : 1 + 7 * (length - s) / (length - peak_at); };
  std::vector<cv::Point2d> outline;
  for (double s = 0; s <= length; s += 1) outline.push_back(a + s * along + half_width(s) * across);
  for (double s = length; s >= 0; s -= 1) outline.push_back(a + s * along - half_width(s) * across);
  Drawing d({340, 160});
  d.fill(outline);
  d.centre_line(a, a + length * along);
  for (const bool with_probability : {false, true}) {
    SCOPED_TRACE(with_probability ? "from the coverage as probability" : "from the mask");
    const auto cracks = crack_objects(d.mask(), with_probability ? d.coverage() : cv::Mat{});
    ASSERT_EQ(cracks.size(), 1u);
    EXPECT_NEAR(cracks[0].max_width_px, 16, width_tolerance(16));
    const cv::Point2d drawn = a + peak_at * along + cv::Point2d{0.5, 0.5};  // outputs put pixel centres at +0.5
    EXPECT_LE(cv::norm(cracks[0].max_width_at - drawn), 2.0) << cracks[0].max_width_at << " against " << drawn;
    EXPECT_NEAR(cracks[0].length_px, length, 0.03 * length);
  }
}

TEST(CrackObjects, SpecksAreCracksUnlessShorterThanTheMinimum) {
  cv::Mat mask = cv::Mat::zeros(40, 40, CV_8U);
  mask.at<std::uint8_t>(5, 5) = 255;                                // a speck
  cv::rectangle(mask, cv::Rect(10, 20, 25, 3), 255, cv::FILLED);  // a crack 25 px long
  const auto all = crack_objects(mask);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_NEAR(all[0].length_px, 1, 1e-6);  // the speck: one pixel long and wide
  EXPECT_NEAR(all[0].max_width_px, 1, 0.5);
  EXPECT_NEAR(all[1].length_px, 25, 0.75);
  CrackObjectOptions o;
  o.min_length_px = 5;
  const auto kept = crack_objects(mask, {}, o);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].id, 1);
  EXPECT_TRUE(crack_objects(cv::Mat::zeros(10, 10, CV_8U)).empty());
}

TEST(CrackObjects, ACrackRunningOffThePhotoEndsAtItsEdge) {
  cv::Mat mask = cv::Mat::zeros(30, 60, CV_8U);
  cv::rectangle(mask, cv::Rect(0, 10, 40, 4), 255, cv::FILLED);  // from the left edge, 40 px
  const auto cracks = crack_objects(mask);
  ASSERT_EQ(cracks.size(), 1u);
  EXPECT_NEAR(cracks[0].length_px, 40, 1.2);
  EXPECT_NEAR(cracks[0].median_width_px, 4, 0.5);
  EXPECT_NEAR(cracks[0].box.x, 0, 0.6);
}

}  // namespace

namespace {

/// Another rasterisation, by pixel centres: the pixels whose centres lie in the rectangle
/// -length/2 <= along < length/2, -width/2 <= across < width/2, half-open so that an
/// axis-aligned band is exactly `width` pixels across wherever its centre falls.
void draw_band_by_centres(cv::Mat& mask, cv::Point2d centre, double angle_deg, double length, double width) {
  const cv::Point2d along = direction(angle_deg), across(-along.y, along.x);
  for (int y = 0; y < mask.rows; ++y)
    for (int x = 0; x < mask.cols; ++x) {
      const cv::Point2d d = cv::Point2d(x, y) - centre;
      const double u = d.dot(along), v = d.dot(across);
      if (-length / 2 <= u && u < length / 2 && -width / 2 <= v && v < width / 2) mask.at<std::uint8_t>(y, x) = 255;
    }
}

}  // namespace

TEST(CrackTotals, LongBandsAddUpToTheirLengthAndWidth) {
  struct Case {
    double angle, length, width;
  };
  for (const Case c : {Case{0, 700, 9}, Case{30, 600, 6}, Case{-55, 500, 12}, Case{90, 400, 3}, Case{0, 600, 4},
                       Case{22.5, 500, 8}}) {
    SCOPED_TRACE("angle " + std::to_string(c.angle) + " width " + std::to_string(c.width));
    cv::Mat mask = cv::Mat::zeros(750, 1000, CV_8UC1);
    draw_band_by_centres(mask, {500.2, 375.3}, c.angle, c.length, c.width);
    const auto t = totals_of(mask, crack_objects(mask));
    ASSERT_NEAR(static_cast<double>(t.area_px), c.length * c.width, 0.03 * c.length * c.width) << "the drawing";
    EXPECT_EQ(t.cracks, 1);
    EXPECT_NEAR(t.length_px, c.length, 0.03 * c.length);
    EXPECT_NEAR(t.mean_width_px, c.width, width_tolerance(c.width));
    EXPECT_NEAR(t.max_width_px, c.width, width_tolerance(c.width));
  }
}

TEST(CrackTotals, TwoCracksAddUpAndAnEmptyMaskMeasuresNothing) {
  cv::Mat mask = cv::Mat::zeros(300, 400, CV_8UC1);
  const auto none = totals_of(mask, crack_objects(mask));
  EXPECT_EQ(none.area_px, 0);
  EXPECT_EQ(none.cracks, 0);
  EXPECT_EQ(none.length_px, 0);
  EXPECT_EQ(none.mean_width_px, 0);
  draw_band_by_centres(mask, {200, 80}, 0, 300, 5);
  draw_band_by_centres(mask, {200, 220}, 0, 200, 5);
  const auto t = totals_of(mask, crack_objects(mask));
  EXPECT_EQ(t.cracks, 2);
  EXPECT_NEAR(t.length_px, 500, 0.03 * 500);
  EXPECT_EQ(t.area_px, cv::countNonZero(mask));
}
