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
