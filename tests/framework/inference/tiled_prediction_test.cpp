#include "inference/tiled_prediction.hpp"

#include <crackkd/error.hpp>

#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace crackkd::inference;

namespace {

// A network that sees two pixels around each output pixel (two 3x3 convolutions): tiles
// overlapping by 32 (a blend margin of 8) must reproduce its untiled output.
struct LocalNet : torch::nn::Module {
  torch::nn::Conv2d a{torch::nn::Conv2dOptions(3, 8, 3).padding(1)}, b{torch::nn::Conv2dOptions(8, 1, 3).padding(1)};
  LocalNet() {
    register_module("a", a);
    register_module("b", b);
  }
  at::Tensor forward(const at::Tensor& x) { return b(torch::relu(a(x))); }
};

}  // namespace

TEST(TiledPrediction, TilesAgreeWithOneForwardPassOverTheWholeImage) {
  torch::manual_seed(3);
  LocalNet net;
  torch::NoGradGuard no_grad;
  const auto image = torch::rand({1, 3, 150, 200});
  const LogitsFunction logits = [&](const at::Tensor& x) { return net.forward(x); };
  const auto whole = predict_probabilities(logits, image, {256, 32, 16, 4});  // fits one tile
  const auto tiled = predict_probabilities(logits, image, {64, 32, 16, 3});
  ASSERT_EQ(whole.sizes(), (std::vector<std::int64_t>{1, 1, 150, 200}));
  ASSERT_EQ(tiled.sizes(), whole.sizes());
  EXPECT_LT((tiled - whole).abs().max().item<double>(), 1e-4);
}

TEST(TiledPrediction, EveryPixelIsCoveredWhateverTheSize) {
  // A constant network: blending must give exactly its probability everywhere.
  const LogitsFunction logits = [](const at::Tensor& x) { return torch::zeros({x.size(0), 1, x.size(2), x.size(3)}); };
  for (auto [h, w] : {std::pair{33, 500}, {481, 97}, {64, 64}, {1000, 750}}) {
    const auto p = predict_probabilities(logits, torch::rand({1, 3, h, w}), {128, 64, 32, 8});
    ASSERT_EQ(p.size(2), h);
    ASSERT_EQ(p.size(3), w);
    EXPECT_NEAR(p.min().item<double>(), 0.5, 1e-6);
    EXPECT_NEAR(p.max().item<double>(), 0.5, 1e-6);
  }
}

TEST(TiledPrediction, FullTilesShowEveryPassAWholeTilePaddedByTheBorder) {
  // A network that pools globally: its answer depends on everything a pass sees, padding
  // included, as PoolingCrack's feature selection does.
  const LogitsFunction logits = [](const at::Tensor& x) {
    return x.mean({1, 2, 3}, /*keepdim=*/true).expand({x.size(0), 1, x.size(2), x.size(3)}).contiguous();
  };
  torch::manual_seed(4);
  const auto image = torch::rand({1, 3, 40, 50});
  TileOptions contract{64, 0, 16, 2};
  contract.full_tiles = true;
  const auto p = predict_probabilities(logits, image, contract);
  const auto expected = torch::sigmoid(logits(at::replication_pad2d(image, {0, 14, 0, 24}))).slice(2, 0, 40).slice(3, 0, 50);
  EXPECT_TRUE(p.equal(expected));
  // Without the contract the photo runs whole, padded to the stride only: another answer.
  EXPECT_FALSE(predict_probabilities(logits, image, {64, 0, 16, 2}).equal(expected));
}

TEST(TiledPrediction, RectangularTilesCoverEveryPixel) {
  const LogitsFunction logits = [](const at::Tensor& x) {
    EXPECT_EQ(x.size(2), 64);
    EXPECT_EQ(x.size(3), 96);
    return torch::zeros({x.size(0), 1, x.size(2), x.size(3)});
  };
  for (auto [h, w] : {std::pair{100, 150}, {30, 20}, {64, 96}, {300, 97}}) {
    TileOptions contract{64, 32, 32, 3, /*tile_width=*/96, /*full_tiles=*/true};
    const auto p = predict_probabilities(logits, torch::rand({1, 3, h, w}), contract);
    ASSERT_EQ(p.size(2), h);
    ASSERT_EQ(p.size(3), w);
    EXPECT_NEAR(p.min().item<double>(), 0.5, 1e-6);
    EXPECT_NEAR(p.max().item<double>(), 0.5, 1e-6);
  }
}

TEST(TiledPrediction, TheDefaultOverlapFitsTheTile) {
  EXPECT_EQ(default_overlap(448, 32), 64);
  EXPECT_EQ(default_overlap(224, 32), 32);
  EXPECT_EQ(default_overlap(64, 32), 0);
  EXPECT_EQ(default_overlap(64, 16), 16);
}

TEST(TiledPrediction, OptionsThatDoNotFitTheStrideAreRejected) {
  EXPECT_THROW(check_tile_options({100, 32, 32, 1}), crackkd::Error);  // tile not a multiple
  EXPECT_THROW(check_tile_options({128, 40, 32, 1}), crackkd::Error);  // overlap not a multiple
  EXPECT_THROW(check_tile_options({128, 128, 32, 1}), crackkd::Error);  // overlap = tile
  EXPECT_NO_THROW(check_tile_options({128, 0, 32, 1}));
  EXPECT_THROW(check_tile_options({128, 64, 32, 1, 64}), crackkd::Error);  // overlap = the shorter side
  EXPECT_THROW(check_tile_options({128, 32, 32, 1, 70}), crackkd::Error);  // width not a multiple
}
