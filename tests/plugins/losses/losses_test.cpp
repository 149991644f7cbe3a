#include "test_support.hpp"

#include <crackkd/loss.hpp>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

using namespace crackkd;

namespace {
std::shared_ptr<Loss> loss(const std::string& name, const std::string& options = "") {
  static auto host = test::make_host();
  return host->create<Loss>("loss", test::component(name, options));
}
}  // namespace

TEST(DiceLoss, MatchesTheFormulaPerImage) {
  auto logits = at::randn({2, 1, 5, 5});
  auto target = (at::rand({2, 1, 5, 5}) > 0.5).to(at::kFloat);
  auto p = logits.sigmoid().flatten(1);
  auto g = target.flatten(1);
  auto dice = (2 * (p * g).sum(1) + 1e-7) / (p.sum(1) + g.sum(1) + 1e-7);
  EXPECT_NEAR(loss("dice")->compute(logits, target).item<double>(), 1 - dice.mean().item<double>(), 1e-6);
}

TEST(DiceLoss, PerfectPredictionIsZeroAndGradientFlows) {
  auto logits = at::full({1, 1, 4, 4}, -30.0);
  logits.index_put_({0, 0, 1}, 30.0);
  auto target = (logits > 0).to(at::kFloat);
  EXPECT_NEAR(loss("dice")->compute(logits, target).item<double>(), 0.0, 1e-6);
  auto x = at::zeros({1, 1, 4, 4}).requires_grad_(true);
  loss("dice")->compute(x, target).backward();
  EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0);
}

TEST(DiceLoss, ShapeMismatchIsAnError) {
  EXPECT_THROW(loss("dice")->compute(at::zeros({1, 1, 4, 4}), at::zeros({1, 1, 4, 5})), std::exception);
}

TEST(BceLoss, MatchesLibTorchAndWeightsCrackPixels) {
  auto logits = at::randn({2, 1, 6, 6});
  auto target = (at::rand({2, 1, 6, 6}) > 0.7).to(at::kFloat);
  EXPECT_NEAR(loss("bce")->compute(logits, target).item<double>(),
              at::binary_cross_entropy_with_logits(logits, target).item<double>(), 1e-5);
  auto weight = at::full({1}, 4.0);
  EXPECT_NEAR(loss("bce", "pos_weight = 4.0")->compute(logits, target).item<double>(),
              at::binary_cross_entropy_with_logits(logits, target, {}, weight).item<double>(), 1e-5);
}

namespace {
// Four pixels of one image, hand-computed with p = sigmoid(z):
//   z = [0, 2, -1, 3], g = [1, 0, 0, 1]
at::Tensor four_logits() { return at::tensor({0.0f, 2.0f, -1.0f, 3.0f}).reshape({1, 1, 2, 2}); }
at::Tensor four_mask() { return at::tensor({1.0f, 0.0f, 0.0f, 1.0f}).reshape({1, 1, 2, 2}); }
}  // namespace

TEST(FocalLoss, MatchesTheHandComputedValue) {
  // mean of 0.25 (1-p)^2 softplus(-z) on crack pixels and 0.75 p^2 softplus(z) on background
  EXPECT_NEAR(loss("focal")->compute(four_logits(), four_mask()).item<double>(), 0.324475299, 1e-6);
}

TEST(FocalLoss, WithoutFocusingItIsWeightedCrossEntropy) {
  auto logits = at::randn({2, 1, 6, 6});
  auto target = (at::rand({2, 1, 6, 6}) > 0.7).to(at::kFloat);
  EXPECT_NEAR(loss("focal", "alpha = 0.5\ngamma = 0")->compute(logits, target).item<double>(),
              0.5 * at::binary_cross_entropy_with_logits(logits, target).item<double>(), 1e-6);
}

TEST(FocalLoss, EasyPixelsCountLessThanInCrossEntropy) {
  auto confident = at::full({1, 1, 2, 2}, -6.0);  // background, called background with p = 0.0025
  auto empty = at::zeros({1, 1, 2, 2});
  const double focal = loss("focal", "alpha = 0.5")->compute(confident, empty).item<double>();
  const double bce = 0.5 * loss("bce")->compute(confident, empty).item<double>();
  EXPECT_LT(focal, 1e-4 * bce);
}

TEST(TverskyLoss, MatchesTheHandComputedValue) {
  // TP = 1.45257, FP = 1.14974, FN = 0.54743; TI = TP / (TP + 0.3 FP + 0.7 FN)
  EXPECT_NEAR(loss("tversky")->compute(four_logits(), four_mask()).item<double>(), 0.333893582, 1e-6);
  EXPECT_NEAR(loss("tversky", "gamma = 0.75")->compute(four_logits(), four_mask()).item<double>(), 0.439244219, 1e-6);
}

TEST(TverskyLoss, EqualWeightsAreTheDiceLoss) {
  auto logits = at::randn({3, 1, 5, 5});
  auto target = (at::rand({3, 1, 5, 5}) > 0.6).to(at::kFloat);
  EXPECT_NEAR(loss("tversky", "alpha = 0.5\nbeta = 0.5\neps = 0")->compute(logits, target).item<double>(),
              loss("dice", "eps = 0")->compute(logits, target).item<double>(), 1e-6);
}

TEST(TverskyLoss, AMissedCrackCostsMoreThanAFalseOne) {
  auto mask = at::zeros({1, 1, 1, 4});
  mask.index_put_({0, 0, 0, at::indexing::Slice(0, 2)}, 1.0);  // two crack pixels
  auto missed = at::full({1, 1, 1, 4}, -30.0);
  missed.index_put_({0, 0, 0, 0}, 30.0);  // finds one of the two
  auto extra = at::full({1, 1, 1, 4}, -30.0);
  extra.index_put_({0, 0, 0, at::indexing::Slice(0, 3)}, 30.0);  // finds both and one more
  EXPECT_GT(loss("tversky")->compute(missed, mask).item<double>(), loss("tversky")->compute(extra, mask).item<double>());
}

TEST(TverskyLoss, AnEmptyMaskPredictedEmptyCostsNothing) {
  EXPECT_NEAR(loss("tversky")->compute(at::full({2, 1, 3, 3}, -30.0), at::zeros({2, 1, 3, 3})).item<double>(), 0.0, 1e-5);
}
