#include "metrics/image_measures.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace crackkd::metrics;

namespace {

/// A 1x1xHxW {0, 1} mask drawn with '#' for crack.
at::Tensor drawn_mask(const std::vector<std::string>& rows) {
  auto m = at::zeros({1, 1, static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(rows[0].size())});
  for (std::size_t y = 0; y < rows.size(); ++y)
    for (std::size_t x = 0; x < rows[y].size(); ++x)
      if (rows[y][x] == '#') m[0][0][static_cast<std::int64_t>(y)][static_cast<std::int64_t>(x)] = 1;
  return m;
}

/// Logits that predict exactly `mask` at any threshold between 0.01 and 0.99.
at::Tensor certain_logits(const at::Tensor& mask) { return mask * 20 - 10; }

/// An empty 9x12 canvas with crack pixels at (y, x).
at::Tensor crack_canvas(const std::vector<std::pair<int, int>>& pixels, int rows = 9, int cols = 12) {
  auto m = at::zeros({1, 1, rows, cols});
  for (auto [y, x] : pixels) m[0][0][y][x] = 1;
  return m;
}

ImageMeasures measure_one_image(const at::Tensor& prediction, const at::Tensor& truth, double tolerance = 2,
                      double centerline_tolerance = 4, std::int64_t min_area = 0) {
  MeasureOptions o;
  o.tolerance = {tolerance, false};
  o.centerline_tolerance = centerline_tolerance;
  o.min_crack_area = min_area;
  return measure_images(certain_logits(prediction), truth, o).at(0);
}

/// A vertical one-pixel crack of 7 pixels at column x.
at::Tensor vertical_crack_line(int x) {
  std::vector<std::pair<int, int>> p;
  for (int y = 1; y <= 7; ++y) p.emplace_back(y, x);
  return crack_canvas(p);
}

}  // namespace

TEST(ImageMeasures, EmptyMaskAndEmptyPredictionScoreOneEverywhere) {
  const auto empty = crack_canvas({});
  const auto m = measure_one_image(empty, empty);
  EXPECT_EQ(m.tolerant.precision(), 1.0);
  EXPECT_EQ(m.tolerant.recall(), 1.0);
  EXPECT_EQ(m.tolerant.f1(), 1.0);
  EXPECT_EQ(m.cl_dice, 1.0);
  EXPECT_EQ(m.centerline.iou(), 1.0);
  EXPECT_EQ(m.boundary.f1(), 1.0);
  EXPECT_TRUE(m.crack_free);
  EXPECT_EQ(m.kept_crack_pixels, 0.0);
  EXPECT_EQ(m.pixels, 9.0 * 12.0);
}

TEST(ImageMeasures, OneSideEmptyScoresZero) {
  const auto empty = crack_canvas({}), crack = vertical_crack_line(5);
  for (const auto& m : {measure_one_image(empty, crack), measure_one_image(crack, empty)}) {
    EXPECT_EQ(m.tolerant.f1(), 0.0);
    EXPECT_EQ(m.cl_dice, 0.0);
    EXPECT_EQ(m.centerline.iou(), 0.0);
    EXPECT_EQ(m.boundary.f1(), 0.0);
  }
  EXPECT_EQ(measure_one_image(empty, crack).tolerant.precision(), 1.0);  // nothing predicted
  EXPECT_EQ(measure_one_image(crack, empty).tolerant.recall(), 1.0);     // nothing to find
  EXPECT_TRUE(measure_one_image(crack, empty).crack_free);
  EXPECT_EQ(measure_one_image(crack, empty).kept_crack_pixels, 7.0);
}

TEST(ImageMeasures, AOnePixelCrackIsFoundWithinTheToleranceAndNotBeyond) {
  const auto truth = crack_canvas({{4, 5}});
  for (int shift : {0, 1, 2, 3}) {
    const auto m = measure_one_image(crack_canvas({{4, 5 + shift}}), truth);
    const double expected = shift <= 2 ? 1.0 : 0.0;
    EXPECT_EQ(m.tolerant.precision(), expected) << "shift " << shift;
    EXPECT_EQ(m.tolerant.recall(), expected) << "shift " << shift;
    EXPECT_EQ(m.boundary.f1(), expected) << "shift " << shift;  // a single pixel is its own boundary
    EXPECT_EQ(measure_one_image(crack_canvas({{4, 5 + shift}}), truth, 0).tolerant.f1(), shift == 0 ? 1.0 : 0.0);
  }
}

TEST(ImageMeasures, TheToleranceIsAEuclideanDisk) {
  const auto truth = crack_canvas({{3, 3}});
  const auto diagonal = crack_canvas({{5, 5}});  // 2.83 pixels away
  EXPECT_EQ(measure_one_image(diagonal, truth, 2).tolerant.f1(), 0.0);
  EXPECT_EQ(measure_one_image(diagonal, truth, 2.8).tolerant.f1(), 0.0);
  EXPECT_EQ(measure_one_image(diagonal, truth, 2.9).tolerant.f1(), 1.0);
  EXPECT_EQ(measure_one_image(crack_canvas({{5, 4}}), truth, 2.2).tolerant.f1(), 0.0);  // sqrt(5) = 2.24 away
  EXPECT_EQ(measure_one_image(crack_canvas({{5, 4}}), truth, 2.3).tolerant.f1(), 1.0);
}

TEST(ImageMeasures, AShiftedLineCountsWithinEachTolerance) {
  const auto truth = vertical_crack_line(3);
  for (int shift : {1, 2, 3, 4, 5}) {
    const auto m = measure_one_image(vertical_crack_line(3 + shift), truth);
    EXPECT_EQ(m.tolerant.matched_predicted, shift <= 2 ? 7.0 : 0.0) << "shift " << shift;
    EXPECT_EQ(m.tolerant.matched_truth, shift <= 2 ? 7.0 : 0.0) << "shift " << shift;
    EXPECT_EQ(m.exact.counts.tp, 0.0);
    // clIoU matches skeletons within 4 pixels: a 1-pixel line is its own skeleton
    EXPECT_EQ(m.centerline.iou(), shift <= 4 ? 1.0 : 0.0) << "shift " << shift;
    EXPECT_EQ(m.cl_dice, 0.0) << "shift " << shift;  // no skeleton pixel inside the other mask
  }
}

TEST(ImageMeasures, ACenterlinePredictionOfAWideCrackHasFullClDiceAndHalfDice) {
  const auto truth = drawn_mask({"..............", "..............", ".############.", ".############.",
                            ".############.", "..............", ".............."});
  const auto centre = drawn_mask({"..............", "..............", "..............", ".############.",
                             "..............", "..............", ".............."});
  const auto m = measure_one_image(centre, truth);
  EXPECT_NEAR(m.exact.dice, 2.0 * 12 / (12 + 36), 1e-6);
  EXPECT_DOUBLE_EQ(m.cl_dice, 1.0);
  EXPECT_EQ(m.tolerant.precision(), 1.0);
  EXPECT_EQ(m.tolerant.recall(), 1.0);  // every pixel of the 3-pixel band lies within 1 of the centre line
}

TEST(ImageMeasures, ADiagonalCrackTwoPixelsThickKeepsItsSkeleton) {
  // Zhang-Suen thinning erases such a crack down to two pixels, leaving clIoU two pixels
  // to count; Guo-Hall keeps a skeleton as long as the crack.
  for (const bool falling : {true, false}) {
    std::vector<std::pair<int, int>> pixels;
    for (int i = 2; i < 42; ++i)
      for (int k = 0; k < 2; ++k) pixels.emplace_back(i + k, falling ? i : 45 - i);
    const auto crack = crack_canvas(pixels, 48, 48);
    const auto m = measure_one_image(crack, crack);
    EXPECT_GE(m.centerline.tp, 35) << (falling ? "falling" : "rising");
    EXPECT_EQ(m.centerline.fp + m.centerline.fn, 0);
    EXPECT_DOUBLE_EQ(m.cl_dice, 1.0);
  }
}

TEST(ImageMeasures, SpecksUnderTheMinimumAreaAreNoCrackOnACrackFreeImage) {
  std::vector<std::pair<int, int>> pixels = {{0, 0}, {0, 1}, {1, 0}};  // a speck of 3
  for (int y = 4; y < 8; ++y)
    for (int x = 5; x < 10; ++x) pixels.emplace_back(y, x);  // a blob of 20
  const auto predicted = crack_canvas(pixels), empty = crack_canvas({});
  EXPECT_EQ(measure_one_image(predicted, empty, 2, 4, 0).kept_crack_pixels, 23.0);
  EXPECT_EQ(measure_one_image(predicted, empty, 2, 4, 4).kept_crack_pixels, 20.0);
  EXPECT_EQ(measure_one_image(predicted, empty, 2, 4, 21).kept_crack_pixels, 0.0);
  EXPECT_FALSE(measure_one_image(predicted, vertical_crack_line(2)).crack_free);
}

TEST(ImageMeasures, TheSweepAtEachThresholdEqualsThresholdingThere) {
  at::manual_seed(5);
  const auto logits = at::randn({2, 1, 11, 13}) * 3;
  const auto masks = at::rand({2, 1, 11, 13}).gt(0.8).to(at::kFloat);
  MeasureOptions o;
  o.tolerance = {1.5, false};
  const auto swept = measure_images(logits, masks, o);
  const auto& thresholds = sweep_thresholds();
  for (std::size_t k : {0u, 20u, 49u, 77u, 98u}) {
    o.threshold = thresholds[k];
    const auto at_k = measure_images(logits, masks, o);
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(swept[i].tolerant_sweep[k].matched_predicted, at_k[i].tolerant.matched_predicted) << k;
      EXPECT_EQ(swept[i].tolerant_sweep[k].predicted, at_k[i].tolerant.predicted) << k;
      EXPECT_EQ(swept[i].tolerant_sweep[k].matched_truth, at_k[i].tolerant.matched_truth) << k;
      EXPECT_EQ(swept[i].tolerant_sweep[k].truth, at_k[i].tolerant.truth) << k;
    }
  }
}

TEST(ImageMeasures, ZeroToleranceGivesTheExactCounts) {
  at::manual_seed(6);
  const auto logits = at::randn({2, 1, 10, 9}) * 3;
  const auto masks = at::rand({2, 1, 10, 9}).gt(0.7).to(at::kFloat);
  MeasureOptions o;
  o.tolerance = {0, false};
  for (const auto& m : measure_images(logits, masks, o)) {
    ASSERT_EQ(m.tolerant_sweep.size(), m.exact_sweep.size());
    for (std::size_t k = 0; k < m.exact_sweep.size(); ++k) {
      EXPECT_EQ(m.tolerant_sweep[k].matched_predicted, m.exact_sweep[k].tp);
      EXPECT_EQ(m.tolerant_sweep[k].matched_truth, m.exact_sweep[k].tp);
      EXPECT_EQ(m.tolerant_sweep[k].predicted, m.exact_sweep[k].tp + m.exact_sweep[k].fp);
      EXPECT_EQ(m.tolerant_sweep[k].f1(), m.exact_sweep[k].f1());
    }
  }
}

TEST(ImageMeasures, ToleranceRelativeToTheDiagonal) {
  EXPECT_DOUBLE_EQ((Tolerance{0.0075, true}).pixels(300, 400), 3.75);
  EXPECT_DOUBLE_EQ((Tolerance{2, false}).pixels(300, 400), 2.0);
  EXPECT_EQ((Tolerance{2, false}).describe(), "2 px");
  EXPECT_EQ((Tolerance{0.0075, true}).describe(), "0.0075 x diagonal");
}
