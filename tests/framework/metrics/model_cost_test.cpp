#include "metrics/model_cost.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace crackkd::metrics;

TEST(ModelCost, CountsConvolutionMacsFromTheForwardPass) {
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 8, 3).padding(1));
  torch::nn::Conv2d strided(torch::nn::Conv2dOptions(8, 8, 3).stride(2).padding(1).groups(4));
  auto x = torch::rand({2, 3, 16, 16});
  const auto macs = count_macs([&] { strided->forward(conv->forward(x)); });
  EXPECT_EQ(macs, 2 * 16 * 16 * 8 * 3 * 9 + 2 * 8 * 8 * 8 * 2 * 9);
}

TEST(ModelCost, CountsMatrixProductsOnceEvenWhenNested) {
  torch::nn::Linear linear(10, 4);
  auto a = torch::rand({3, 5, 6}), b = torch::rand({6, 7});
  const auto macs = count_macs([&] {
    linear->forward(torch::rand({2, 10}));
    torch::matmul(a, b);
  });
  EXPECT_EQ(macs, 2 * 10 * 4 + 3 * 5 * 6 * 7);
}

TEST(ModelCost, IgnoresWhatIsNotAProduct) {
  auto x = torch::rand({1, 3, 8, 8});
  EXPECT_EQ(count_macs([&] { torch::relu(x).sigmoid().mean(); }), 0);
}

TEST(ModelCost, LatencyStatistics) {
  int calls = 0;
  auto l = measure_latency([&] { ++calls; }, 2, 10);
  EXPECT_EQ(calls, 12);
  EXPECT_EQ(l.runs, 10);
  EXPECT_LE(l.median_ms, l.p90_ms);
}

TEST(ModelCost, OneElementStridesAndPaddingsApplyToBothSides) {
  const auto x = torch::rand({1, 4, 16, 16}), w = torch::rand({8, 4, 3, 3});
  const auto macs = crackkd::metrics::count_macs([&] { at::conv2d(x, w, {}, /*stride=*/2, /*padding=*/1); });
  EXPECT_EQ(macs, 8 * 8 * 8 * 4 * 9);  // 8x8 outputs of 8 channels, each 4x3x3 products
}
