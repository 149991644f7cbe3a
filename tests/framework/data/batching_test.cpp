#include "data/batching.hpp"
#include "test_support.hpp"

#include <ATen/ATen.h>
#include <gmock/gmock.h>

#include <set>

using namespace crackkd;

TEST(Batching, EpochOrderIsAPermutationFixedBySeedAndEpoch) {
  auto a = data::epoch_order(50, 7, 1);
  EXPECT_EQ(std::set<std::size_t>(a.begin(), a.end()).size(), 50u);
  EXPECT_EQ(a, data::epoch_order(50, 7, 1));
  EXPECT_NE(a, data::epoch_order(50, 7, 2));
  EXPECT_NE(a, data::epoch_order(50, 8, 1));
}

TEST(Batching, CollateStacksAndRefusesMixedSizes) {
  Sample a{at::rand({3, 8, 8}), at::zeros({1, 8, 8}), "a"};
  Sample b{at::rand({3, 8, 8}), at::ones({1, 8, 8}), "b"};
  auto batch = data::collate({a, b});
  EXPECT_EQ(batch.images.sizes(), (std::vector<std::int64_t>{2, 3, 8, 8}));
  EXPECT_EQ(batch.ids, (std::vector<std::string>{"a", "b"}));
  Sample c{at::rand({3, 8, 9}), at::zeros({1, 8, 9}), "c"};
  EXPECT_THAT(test::error_of([&] { data::collate({a, c}); }),
              ::testing::HasSubstr("batch mixes image sizes: 3x8x8 in a and 3x8x9 in c"));
}

TEST(Batching, PredictLogitsPadsToTheStrideAndCropsBack) {
  auto host = test::make_host();
  auto model = host->create<SegmentationModel>("model", test::component("tiny_unet", "channels = [4, 8, 8, 8]"));
  model->eval();
  auto images = at::rand({1, 3, 50, 70});
  auto logits = data::predict_logits(*model, images);
  EXPECT_EQ(logits.sizes(), (std::vector<std::int64_t>{1, 1, 50, 70}));
}
