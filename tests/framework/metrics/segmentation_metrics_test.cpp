#include "metrics/segmentation_metrics.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

using crackkd::metrics::score_images;

TEST(SegmentationMetrics, DiceAndIouOfKnownMasks) {
  // Prediction covers 4 pixels, the mask 2 of them plus 2 others: |P∩G| = 2, |P| = |G| = 4.
  auto logits = at::full({1, 1, 4, 4}, -5.0);
  logits.index_put_({0, 0, 0}, 5.0);
  auto mask = at::zeros({1, 1, 4, 4});
  mask.index_put_({0, 0, 0, at::indexing::Slice(0, 2)}, 1.0);
  mask.index_put_({0, 0, 1, at::indexing::Slice(0, 2)}, 1.0);
  auto s = score_images(logits, mask).at(0);
  EXPECT_NEAR(s.dice, 2.0 * 2 / 8, 1e-6);
  EXPECT_NEAR(s.iou, 2.0 / 6, 1e-6);
}

TEST(SegmentationMetrics, PerImageScoresAndEmptyAgreement) {
  auto logits = at::stack({at::full({1, 3, 3}, 5.0), at::full({1, 3, 3}, -5.0)});
  auto masks = at::stack({at::ones({1, 3, 3}), at::zeros({1, 3, 3})});
  auto scores = score_images(logits, masks);
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_NEAR(scores[0].dice, 1.0, 1e-9);
  EXPECT_NEAR(scores[1].dice, 1.0, 1e-9);  // no crack, none predicted
  EXPECT_NEAR(scores[1].iou, 1.0, 1e-9);
}

TEST(SegmentationMetrics, ThresholdIsOnProbability) {
  auto logits = at::full({1, 1, 1, 2}, 0.0);  // p = 0.5 exactly: not above 0.5
  auto mask = at::ones({1, 1, 1, 2});
  EXPECT_NEAR(score_images(logits, mask, 0.5).at(0).dice, 0.0, 1e-6);
  EXPECT_NEAR(score_images(logits, mask, 0.4).at(0).dice, 1.0, 1e-6);
}
