#include "blocks/feature_selection.hpp"
#include "blocks/patch_embedding.hpp"
#include "blocks/pooling_block.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace crackkd::models;

namespace {
std::int64_t parameters(const torch::nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}
}  // namespace

TEST(PoolingBlock, ParameterCountFollowsTheFormula) {
  // 2*r*d^2 + (r + 7)*d for hidden = r*d.
  PoolingBlockOptions o;
  o.channels = 48;
  o.hidden = 4 * 48;
  EXPECT_EQ(parameters(*PoolingBlock(o)), 2 * 4 * 48 * 48 + (4 + 7) * 48);
}

TEST(PoolingBlock, StartsNearIdentityAndKeepsShape) {
  PoolingBlockOptions o;
  o.channels = 8;
  o.hidden = 32;
  PoolingBlock block(o);
  auto x = torch::randn({2, 8, 10, 12});
  auto y = block->forward(x);
  EXPECT_EQ(y.sizes(), x.sizes());
  EXPECT_LT((y - x).abs().max().item<double>(), 1e-3);  // layer scale 1e-5
}

TEST(PoolingBlock, DropPathOnlyWhileTraining) {
  PoolingBlockOptions o;
  o.channels = 4;
  o.hidden = 8;
  o.drop_path = 0.5;
  o.layer_scale_init = 1.0;
  PoolingBlock block(o);
  auto x = torch::randn({64, 4, 6, 6});
  block->eval();
  EXPECT_TRUE(block->forward(x).equal(block->forward(x)));
  block->train();
  torch::manual_seed(3);
  EXPECT_FALSE(block->forward(x).equal(block->forward(x)));
}

// Without autograd the block computes in place: the same function as the autograd path.
TEST(PoolingBlock, InferencePathEqualsTheAutogradPath) {
  PoolingBlockOptions o;
  o.channels = 16;
  o.hidden = 64;
  o.layer_scale_init = 0.5;
  PoolingBlock block(o);
  block->eval();
  for (const auto& shape : {std::vector<std::int64_t>{2, 16, 40, 52}, std::vector<std::int64_t>{1, 16, 6, 5}}) {
    const auto x = torch::randn(shape);
    const auto original = x.clone();
    const auto expected = block->forward(x);  // gradients enabled: the plain path
    ASSERT_TRUE(expected.requires_grad());
    torch::Tensor inferred;
    {
      torch::InferenceMode inference;
      inferred = block->forward(x);
    }
    EXPECT_TRUE(torch::allclose(inferred, expected.detach(), 1e-5, 1e-5)) << shape[2];
    EXPECT_TRUE(x.equal(original));  // in place on its own tensors, never on the input
  }
}

TEST(PatchEmbedding, StridesAndDepthwiseForm) {
  PatchEmbeddingOptions stem;
  stem.out_channels = 48;
  stem.depthwise = true;
  PatchEmbedding e(stem);
  EXPECT_EQ(e->forward(torch::rand({1, 3, 64, 96})).sizes(), (std::vector<std::int64_t>{1, 48, 16, 24}));
  // depth-wise 7x7 on 3 channels (3*49 + 3) and a 1x1 to 48 (3*48 + 48), LayerNorm 2*48.
  EXPECT_EQ(parameters(*e), 3 * 49 + 3 + 3 * 48 + 48 + 2 * 48);
}

TEST(FeatureSelection, PerChannelAttentionIsSmall) {
  EXPECT_EQ(parameters(*FeatureSelection(96, 48, true)), 96 + 96 + 96 * 48);
  EXPECT_EQ(parameters(*FeatureSelection(96, 48, false)), 96 * 96 + 96 * 48);
  EXPECT_EQ(FeatureSelection(96, 48, true)->forward(torch::rand({2, 96, 5, 7})).sizes(),
            (std::vector<std::int64_t>{2, 48, 5, 7}));
}
