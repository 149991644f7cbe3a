#include "blocks/deformable_conv.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

using crackkd::models::modulated_deform_conv3x3;

TEST(DeformableConv, ZeroOffsetsAndHalfMasksGiveHalfAnOrdinaryConvolution) {
  torch::manual_seed(1);
  for (std::int64_t groups : {1, 2}) {
    auto x = torch::randn({2, 4, 7, 9});
    auto weight = torch::randn({5, 4, 3, 3});
    auto bias = torch::randn({5});
    auto offset = torch::zeros({2, 18 * groups, 7, 9});
    auto mask = torch::full({2, 9 * groups, 7, 9}, 0.5);
    auto ours = modulated_deform_conv3x3(x, offset, mask, weight, bias, groups);
    auto reference = 0.5 * torch::conv2d(x, weight, {}, 1, 1) + bias.view({1, 5, 1, 1});
    EXPECT_LT((ours - reference).abs().max().item<double>(), 1e-5) << "groups " << groups;
  }
}

TEST(DeformableConv, AnIntegerOffsetShiftsTheSampling) {
  // Offsets of (0, +1) on every tap read x[i - 1 + ky][j + kx]: a valid convolution of x
  // padded by one row above and below and two columns on the right only.
  auto x = torch::randn({1, 2, 6, 8}, torch::kDouble);
  auto weight = torch::randn({3, 2, 3, 3}, torch::kDouble);
  auto offset = torch::zeros({1, 18, 6, 8}, torch::kDouble);
  offset.slice(1, 1, 18, 2).fill_(1.0);  // dx channels
  auto ours = modulated_deform_conv3x3(x, offset, torch::ones({1, 9, 6, 8}, torch::kDouble), weight, {}, 1);
  auto reference = torch::conv2d(torch::constant_pad_nd(x, {0, 2, 1, 1}), weight);
  EXPECT_LT((ours - reference).abs().max().item<double>(), 1e-9);
}

TEST(DeformableConv, OffsetGradientMatchesFiniteDifferences) {
  torch::manual_seed(2);
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  auto x = torch::randn({1, 2, 5, 6}, opts);
  auto weight = torch::randn({3, 2, 3, 3}, opts);
  auto bias = torch::randn({3}, opts);
  auto mask = torch::rand({1, 9, 5, 6}, opts);
  // Fractional offsets: bilinear sampling is smooth away from whole-pixel positions.
  auto offset = (torch::rand({1, 18, 5, 6}, opts) * 0.8 + 0.1).requires_grad_(true);
  auto loss = [&](const torch::Tensor& o) { return modulated_deform_conv3x3(x, o, mask, weight, bias, 1).pow(2).sum(); };
  loss(offset).backward();
  auto analytic = offset.grad();
  const double h = 1e-6;
  auto flat = offset.detach().flatten();
  for (std::int64_t i : {0, 7, 31, 100, 257, 539}) {
    auto plus = flat.clone(), minus = flat.clone();
    plus[i] += h;
    minus[i] -= h;
    const double numeric =
        (loss(plus.view_as(offset)).item<double>() - loss(minus.view_as(offset)).item<double>()) / (2 * h);
    EXPECT_NEAR(analytic.flatten()[i].item<double>(), numeric, 1e-5 * std::max(1.0, std::abs(numeric))) << "entry " << i;
  }
}

TEST(DeformableConv, ChecksShapes) {
  auto x = torch::zeros({1, 4, 5, 5});
  EXPECT_THROW(modulated_deform_conv3x3(x, torch::zeros({1, 18, 5, 4}), torch::zeros({1, 9, 5, 5}),
                                        torch::zeros({2, 4, 3, 3}), {}, 1),
               c10::Error);
  EXPECT_THROW(modulated_deform_conv3x3(x, torch::zeros({1, 54, 5, 5}), torch::zeros({1, 27, 5, 5}),
                                        torch::zeros({2, 4, 3, 3}), {}, 3),
               c10::Error);  // 4 channels do not split into 3 groups
}
