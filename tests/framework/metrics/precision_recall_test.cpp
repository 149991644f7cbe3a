#include "metrics/precision_recall.hpp"

#include <crackkd/error.hpp>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

using namespace crackkd::metrics;

namespace {

/// A 1x1x1xW logit row whose sigmoids are `probabilities`.
at::Tensor logits_of(std::vector<double> probabilities) {
  return at::logit(at::tensor(probabilities, at::kDouble)).view({1, 1, 1, -1});
}
at::Tensor mask_of(std::vector<double> values) { return at::tensor(values, at::kDouble).view({1, 1, 1, -1}); }

}  // namespace

TEST(CrackMeasures, EmptyMasksAndPredictionsFollowEachConvention) {
  EXPECT_EQ((PixelCounts{0, 0, 0}).f1(), 1.0);  // no crack, none predicted: perfect, as in mDS
  EXPECT_EQ((PixelCounts{0, 0, 0}).precision(), 1.0);
  EXPECT_EQ((PixelCounts{0, 3, 0}).f1(), 0.0);  // false alarms on a crack-free image
  EXPECT_EQ((PixelCounts{0, 3, 0}).recall(), 1.0);
  EXPECT_EQ((PixelCounts{0, 0, 2}).precision(), 1.0);  // a missed crack: nothing predicted
  EXPECT_EQ((PixelCounts{0, 0, 2}).f1(), 0.0);
  EXPECT_NEAR((PixelCounts{2, 1, 1}).f1(), 4.0 / 6.0, 1e-12);
}

TEST(CrackMeasures, SweepCountsAgreeWithThresholdingEachPixel) {
  at::manual_seed(3);
  const auto logits = at::randn({3, 1, 5, 7}, at::kDouble) * 3;
  const auto masks = at::rand({3, 1, 5, 7}, at::kDouble).gt(0.6).to(at::kDouble);
  const auto& thresholds = sweep_thresholds();
  ASSERT_EQ(thresholds.size(), 99u);
  const auto counts = sweep_counts(logits, masks);
  ASSERT_EQ(counts.size(), 3u);
  const auto probability = at::sigmoid(logits);
  for (std::int64_t i = 0; i < 3; ++i)
    for (std::size_t k = 0; k < thresholds.size(); k += 7) {
      const auto predicted = probability[i].gt(thresholds[k]).to(at::kDouble);
      const double tp = (predicted * masks[i]).sum().item<double>();
      EXPECT_EQ(counts[i][k].tp, tp) << i << " " << k;
      EXPECT_EQ(counts[i][k].fp, predicted.sum().item<double>() - tp);
      EXPECT_EQ(counts[i][k].fn, masks[i].sum().item<double>() - tp);
    }
  // At 0.5 the sweep counts what score_images counts.
  const auto scores = score_images(logits, masks, 0.5);
  EXPECT_EQ(counts[1][49].tp, scores[1].counts.tp);
  EXPECT_EQ(counts[1][49].fp, scores[1].counts.fp);
  EXPECT_NEAR(scores[1].counts.f1(), scores[1].dice, 1e-6);
}

TEST(CrackMeasures, OdsOisAndApOfAWorkedExample) {
  // Image A: crack pixels at p = 0.9 and 0.3, background at 0.6; image B: no crack, one
  // background pixel at 0.8. Thresholds 0.25, 0.5, 0.75 give data-set counts (TP, FP,
  // FN) of (2, 2, 0), (1, 2, 1), (1, 1, 1): F1 0.667, 0.4, 0.5.
  const std::vector<double> thresholds{0.25, 0.5, 0.75};
  ThresholdSweep sweep(thresholds);
  sweep.add(sweep_counts(logits_of({0.9, 0.6, 0.3}), mask_of({1, 0, 1}), thresholds));
  sweep.add(sweep_counts(logits_of({0.8}), mask_of({0}), thresholds));
  const auto s = sweep.summary();
  EXPECT_NEAR(s.ods_f1, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(s.ods_threshold, 0.25);
  // A at its best (0.25): F1 0.8; B has a false alarm at every threshold: 0.
  EXPECT_NEAR(s.ois_f1, 0.4, 1e-12);
  // From 0.75 down: recall 0.5 at precision 0.5, then 0.5 more at precision 0.5.
  EXPECT_NEAR(s.ap, 0.5, 1e-12);
}

TEST(CrackMeasures, ACrackFreeImageScoresOneInOisWhenSomeThresholdPredictsNothing) {
  const std::vector<double> thresholds{0.25, 0.5, 0.75};
  ThresholdSweep sweep(thresholds);
  sweep.add(sweep_counts(logits_of({0.6, 0.1}), mask_of({0, 0}), thresholds));
  const auto s = sweep.summary();
  EXPECT_EQ(s.ois_f1, 1.0);
  EXPECT_TRUE(std::isnan(s.ap));  // no crack in the data set: no recall to rise
}

TEST(CrackMeasures, ShapesAndCountsMustAgree) {
  EXPECT_THROW(sweep_counts(at::zeros({1, 1, 2, 2}), at::zeros({1, 1, 2, 3})), crackkd::Error);
  ThresholdSweep sweep({0.5});
  EXPECT_THROW(sweep.add(std::vector<PixelCounts>(2)), crackkd::Error);
}
