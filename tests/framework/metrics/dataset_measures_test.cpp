#include "metrics/dataset_measures.hpp"

#include <crackkd/error.hpp>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

using namespace crackkd::metrics;

namespace {

/// A record whose exact Dice is `dice` and whose other per-image figures follow from counts.
ImageMeasures image_record(double dice, double cl_dice = 1, bool crack_free = false, double kept = 0) {
  ImageMeasures m;
  m.exact.dice = dice, m.exact.iou = dice;
  m.exact_sweep.assign(sweep_thresholds().size(), PixelCounts{});
  m.tolerant_sweep.assign(sweep_thresholds().size(), MatchCounts{});
  m.cl_dice = cl_dice;
  m.crack_free = crack_free;
  m.kept_crack_pixels = kept;
  m.pixels = 1e6;
  return m;
}

std::size_t measure_index(const char* name) {
  const auto& measures = interval_measures();
  for (std::size_t k = 0; k < measures.size(); ++k)
    if (std::string(measures[k].name) == name) return k;
  throw std::runtime_error(name);
}

}  // namespace

TEST(DatasetMeasures, MeansOverImagesAndPooledCounts) {
  auto a = image_record(1.0, 0.5), b = image_record(0.5, 1.0);
  a.tolerant = {2, 4, 3, 3};  // precision 0.5, recall 1
  b.tolerant = {4, 4, 1, 5};  // precision 1, recall 0.2
  a.centerline = {1, 1, 0}, b.centerline = {2, 0, 2};
  const auto d = summarize({a, b});
  EXPECT_EQ(d.images, 2u);
  EXPECT_DOUBLE_EQ(d.mds, 0.75);
  EXPECT_DOUBLE_EQ(d.cl_dice, 0.75);
  EXPECT_DOUBLE_EQ(d.precision_tol, 6.0 / 8.0);  // pooled: (2 + 4) / (4 + 4)
  EXPECT_DOUBLE_EQ(d.recall_tol, 4.0 / 8.0);
  EXPECT_DOUBLE_EQ(d.f1_tol, 2 * 0.75 * 0.5 / 1.25);
  EXPECT_DOUBLE_EQ(d.cl_iou, 3.0 / 6.0);  // pooled TP / (TP + FP + FN)
  EXPECT_TRUE(std::isnan(d.crack_free_with_crack));  // no crack-free image
  EXPECT_TRUE(std::isnan(d.crack_free_pixels_per_mp));
}

TEST(DatasetMeasures, CrackFreeImagesShareWithACrackAndPixelsPerMegapixel) {
  const auto d = summarize({image_record(1, 1, true, 0), image_record(0, 0, true, 30), image_record(0.8), image_record(1, 1, true, 0)});
  EXPECT_EQ(d.crack_free_images, 3.0);
  EXPECT_DOUBLE_EQ(d.crack_free_with_crack, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(d.crack_free_pixels_per_mp, 10.0);  // 30 pixels over 3 megapixels
}

TEST(DatasetMeasures, PicksResampleTheRecords) {
  const std::vector<ImageMeasures> images = {image_record(0.2), image_record(0.6)};
  EXPECT_DOUBLE_EQ(summarize(images, {1, 1, 0}).mds, (0.6 + 0.6 + 0.2) / 3);
}

TEST(DatasetMeasures, BootstrapDrawsAreFixedBySeedAndInRange) {
  const auto a = bootstrap_draws(5, 100, 7), b = bootstrap_draws(5, 100, 7), c = bootstrap_draws(5, 100, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  ASSERT_EQ(a.size(), 100u);
  for (const auto& draw : a) {
    ASSERT_EQ(draw.size(), 5u);
    for (auto i : draw) EXPECT_LT(i, 5u);
  }
  EXPECT_TRUE(bootstrap_draws(0, 100, 7).empty());
}

TEST(DatasetMeasures, IntervalsAreThePercentilesOfTheResampledFigure) {
  // Two images, Dice 0 and 1: a resample's mDS is 0, 0.5 or 1 (probabilities 1/4, 1/2,
  // 1/4), so the 2.5th and 97.5th percentiles of 1,000 resamples are 0 and 1.
  const std::vector<ImageMeasures> images = {image_record(0), image_record(1)};
  const auto intervals = bootstrap_intervals(images, bootstrap_draws(2, 1000, 1));
  EXPECT_EQ(intervals[measure_index("mDS")].low, 0.0);
  EXPECT_EQ(intervals[measure_index("mDS")].high, 1.0);
  // Identical images: no spread.
  const std::vector<ImageMeasures> same = {image_record(0.7), image_record(0.7), image_record(0.7)};
  const auto flat = bootstrap_intervals(same, bootstrap_draws(3, 200, 1));
  EXPECT_DOUBLE_EQ(flat[measure_index("mDS")].low, 0.7);
  EXPECT_DOUBLE_EQ(flat[measure_index("mDS")].high, 0.7);
  // No crack-free image in any draw: NaN, not a number made up.
  EXPECT_TRUE(std::isnan(flat[measure_index("crack_free_with_crack")].low));
  // No resamples asked for: NaN everywhere.
  EXPECT_TRUE(std::isnan(bootstrap_intervals(same, {})[measure_index("mDS")].high));
}

TEST(DatasetMeasures, IntervalsOfATypicalSetContainTheFigure) {
  std::vector<ImageMeasures> images;
  for (int i = 0; i < 24; ++i) images.push_back(image_record(0.4 + 0.02 * i));
  const auto d = summarize(images);
  const auto intervals = bootstrap_intervals(images, bootstrap_draws(24, 1000, 3));
  const auto& mds = intervals[measure_index("mDS")];
  EXPECT_LT(mds.low, d.mds);
  EXPECT_GT(mds.high, d.mds);
  EXPECT_GT(mds.high - mds.low, 0.05);  // the images' spread, 0.46 wide, over 24 of them
  EXPECT_LT(mds.high - mds.low, 0.15);
}

TEST(DatasetMeasures, PairedDifferencesResampleBothModelsOnTheSameImages) {
  std::vector<ImageMeasures> a, b;
  for (int i = 0; i < 10; ++i) {
    a.push_back(image_record(0.3 + 0.05 * i));
    b.push_back(image_record(0.3 + 0.05 * i - 0.02));  // a is better by 0.02 on every image
  }
  const auto d = paired_differences(a, b, bootstrap_draws(10, 500, 2));
  const auto& mds = d[measure_index("mDS")];
  EXPECT_NEAR(mds.difference, 0.02, 1e-12);
  // Paired, the images' own spread cancels: the interval is the constant difference.
  EXPECT_NEAR(mds.interval.low, 0.02, 1e-12);
  EXPECT_NEAR(mds.interval.high, 0.02, 1e-12);
  EXPECT_THROW(paired_differences(a, {b[0]}, {}), crackkd::Error);
}
