#include "test_support.hpp"

#include <crackkd/dataset.hpp>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

using namespace crackkd;

namespace {
std::shared_ptr<Dataset> synthetic(const std::string& options) {
  static auto host = test::make_host();
  return host->create<Dataset>("dataset", test::component("synthetic_cracks", options));
}
}  // namespace

TEST(SyntheticCracks, ImagesAndMasksHaveTheDeclaredShapeAndRange) {
  auto ds = synthetic("count = 5\nsize = 96");
  ASSERT_EQ(ds->size(), 5u);
  for (std::size_t i = 0; i < ds->size(); ++i) {
    auto s = ds->get(i);
    EXPECT_EQ(s.image.sizes(), (std::vector<std::int64_t>{3, 96, 96}));
    EXPECT_EQ(s.mask.sizes(), (std::vector<std::int64_t>{1, 96, 96}));
    EXPECT_GE(s.image.min().item<float>(), 0.0f);
    EXPECT_LE(s.image.max().item<float>(), 1.0f);
    EXPECT_TRUE(((s.mask == 0) | (s.mask == 1)).all().item<bool>());
    // A thin crack: present, and a small part of the image, as in real patches (~4 %).
    const double fraction = s.mask.mean().item<double>();
    EXPECT_GT(fraction, 0.002) << "image " << i;
    EXPECT_LT(fraction, 0.15) << "image " << i;
  }
}

TEST(SyntheticCracks, CrackPixelsAreDarkerThanTheWall) {
  auto ds = synthetic("count = 8\nsize = 128");
  for (std::size_t i = 0; i < ds->size(); ++i) {
    auto s = ds->get(i);
    auto gray = s.image.mean(0, true);
    const double crack = gray.masked_select(s.mask > 0.5).mean().item<double>();
    const double wall = gray.masked_select(s.mask < 0.5).mean().item<double>();
    EXPECT_LT(crack, wall * 0.7) << "image " << i;
  }
}

TEST(SyntheticCracks, SampleDependsOnlyOnSeedAndIndex) {
  auto a = synthetic("count = 4\nsize = 64\nseed = 3");
  auto b = synthetic("count = 9\nsize = 64\nseed = 3");
  auto c = synthetic("count = 4\nsize = 64\nseed = 4");
  EXPECT_TRUE(a->get(2).image.equal(b->get(2).image));
  EXPECT_TRUE(a->get(2).mask.equal(b->get(2).mask));
  EXPECT_FALSE(a->get(2).image.equal(a->get(3).image));
  EXPECT_FALSE(a->get(2).image.equal(c->get(2).image));
}

TEST(SyntheticCracks, IndexPastTheEndIsAnError) {
  auto ds = synthetic("count = 2\nsize = 64");
  EXPECT_THROW(ds->get(2), crackkd::Error);
}
