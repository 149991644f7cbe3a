#include "test_support.hpp"

#include <crackkd/transform.hpp>

#include <ATen/ATen.h>
#include <gmock/gmock.h>

using namespace crackkd;

namespace {

std::shared_ptr<Transform> transform(const std::string& name, const std::string& options = "") {
  static auto host = test::make_host();
  return host->create<Transform>("transform", test::component(name, options));
}

/// An image whose red channel is 1 exactly where the mask is: alignment is checkable.
Sample marked_sample(std::int64_t h, std::int64_t w) {
  auto mask = at::zeros({1, h, w});
  mask.index_put_({0, 2, at::indexing::Slice(1, 4)}, 1.0);
  mask.index_put_({0, at::indexing::Slice(3, 7), 5}, 1.0);
  auto image = at::full({3, h, w}, 0.25);
  image[0] = mask[0];
  return {image, mask, "marked"};
}

bool aligned(const Sample& s) { return s.image[0].equal(s.mask[0]); }

}  // namespace

TEST(Flip, HflipMirrorsImageAndMaskTogether) {
  const auto s = marked_sample(8, 10);
  Rng rng(0);
  const auto flipped = transform("hflip", "p = 1.0")->apply(s, rng);
  EXPECT_TRUE(aligned(flipped));
  EXPECT_TRUE(flipped.mask.equal(s.mask.flip({2})));
  EXPECT_TRUE(transform("hflip", "p = 0.0")->apply(s, rng).mask.equal(s.mask));
  const auto v = transform("vflip", "p = 1.0")->apply(s, rng);
  EXPECT_TRUE(aligned(v));
  EXPECT_TRUE(v.mask.equal(s.mask.flip({1})));
}

TEST(Flip, FlipsAboutHalfTheTime) {
  const auto s = marked_sample(8, 10);
  Rng rng(1);
  int flipped = 0;
  for (int i = 0; i < 1000; ++i) flipped += transform("hflip")->apply(s, rng).mask.equal(s.mask) ? 0 : 1;
  EXPECT_NEAR(flipped, 500, 60);
}

TEST(ColorJitter, ChangesColoursWithinRangeAndNeverTheMask) {
  at::manual_seed(0);
  Sample s{at::rand({3, 16, 16}), at::ones({1, 16, 16}), "x"};
  Rng rng(2);
  auto jittered = transform("color_jitter", "brightness = 0.4\ncontrast = 0.4\nsaturation = 0.4\nhue = 0.1")->apply(s, rng);
  EXPECT_FALSE(jittered.image.equal(s.image));
  EXPECT_TRUE(jittered.mask.equal(s.mask));
  EXPECT_GE(jittered.image.min().item<double>(), 0.0);
  EXPECT_LE(jittered.image.max().item<double>(), 1.0);
  auto none = transform("color_jitter", "brightness = 0.0\ncontrast = 0.0\nsaturation = 0.0\nhue = 0.0")->apply(s, rng);
  EXPECT_TRUE(none.image.equal(s.image));
}

TEST(ColorJitter, BrightnessScalesWithinItsRange) {
  Sample s{at::full({3, 4, 4}, 0.5), at::zeros({1, 4, 4}), "x"};
  Rng rng(3);
  for (int i = 0; i < 50; ++i) {
    const double v = transform("color_jitter", "contrast = 0.0\nsaturation = 0.0\nhue = 0.0\nbrightness = 0.2")
                         ->apply(s, rng).image.mean().item<double>();
    EXPECT_GE(v, 0.5 * 0.8 - 1e-6);
    EXPECT_LE(v, 0.5 * 1.2 + 1e-6);
  }
}

TEST(ColorJitter, HueShiftOfAGreyImageChangesNothing) {
  Sample s{at::full({3, 4, 4}, 0.3), at::zeros({1, 4, 4}), "grey"};
  Rng rng(4);
  auto out = transform("color_jitter", "brightness = 0.0\ncontrast = 0.0\nsaturation = 0.0\nhue = 0.5")->apply(s, rng);
  EXPECT_LT((out.image - s.image).abs().max().item<double>(), 1e-6);
}

TEST(RandomCrop, CropsImageAndMaskTogetherAndPadsSmallOnes) {
  const auto s = marked_sample(12, 20);
  Rng rng(5);
  for (int i = 0; i < 20; ++i) {
    auto c = transform("random_crop", "size = [6, 8]")->apply(s, rng);
    EXPECT_EQ(c.image.sizes(), (std::vector<std::int64_t>{3, 6, 8}));
    EXPECT_TRUE(aligned(c));
  }
  auto padded = transform("random_crop", "size = [16, 24]")->apply(s, rng);
  EXPECT_EQ(padded.mask.sizes(), (std::vector<std::int64_t>{1, 16, 24}));
  EXPECT_TRUE(aligned(padded));
  EXPECT_THAT(test::error_of([&] { transform("random_crop", "size = [16, 24]\npad_if_needed = false")->apply(s, rng); }),
              ::testing::HasSubstr("random_crop: marked is 12x20, smaller than the crop 16x24"));
}
