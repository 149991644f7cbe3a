#include "test_support.hpp"

#include <crackkd/transform.hpp>

#include <ATen/ATen.h>
#include <gmock/gmock.h>

#include <set>

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
              ::testing::HasSubstr("random_crop: marked is 20x12 (width x height), smaller than the crop size = [16, 24]"));
}

TEST(Resize, ToASizeOrALongerSideWithTheMaskStillZeroOne) {
  Rng rng(1);
  const auto s = marked_sample(12, 20);
  const auto doubled = transform("resize", "size = [24, 40]")->apply(s, rng);
  EXPECT_EQ(doubled.image.sizes(), (std::vector<std::int64_t>{3, 24, 40}));
  EXPECT_EQ(doubled.mask.sizes(), (std::vector<std::int64_t>{1, 24, 40}));
  EXPECT_EQ(doubled.mask.sum().item<float>(), 4 * s.mask.sum().item<float>());  // nearest: each pixel 2x2
  EXPECT_TRUE(doubled.mask.eq(0).logical_or(doubled.mask.eq(1)).all().item<bool>());
  const auto kept = transform("resize", "longer_side = 10")->apply(s, rng);
  EXPECT_EQ(kept.image.sizes(), (std::vector<std::int64_t>{3, 6, 10}));  // 12x20 keeps 3:5
  EXPECT_TRUE(kept.mask.eq(0).logical_or(kept.mask.eq(1)).all().item<bool>());
  EXPECT_GE(kept.image.min().item<float>(), 0.0f);
  EXPECT_LE(kept.image.max().item<float>(), 1.0f);
}

TEST(Resize, OneOfSizeAndLongerSide) {
  EXPECT_THAT(test::error_of([] { transform("resize"); }), ::testing::HasSubstr("set exactly one of them"));
  EXPECT_THAT(test::error_of([] { transform("resize", "size = [8, 8]\nlonger_side = 8"); }),
              ::testing::HasSubstr("set exactly one of them"));
  EXPECT_THAT(test::error_of([] { transform("resize", "size = [8]"); }),
              ::testing::HasSubstr("size takes [height, width], not 1 values"));
}

TEST(RandomScale, ScalesWithinTheRangeAndOnlyWithProbabilityP) {
  Rng rng(2);
  const auto s = marked_sample(12, 20);
  EXPECT_EQ(transform("random_scale", "scale = [2.0, 2.0]")->apply(s, rng).mask.sizes(),
            (std::vector<std::int64_t>{1, 24, 40}));
  EXPECT_TRUE(transform("random_scale", "p = 0.0")->apply(s, rng).image.equal(s.image));
  std::set<std::int64_t> heights;
  for (int i = 0; i < 50; ++i) heights.insert(transform("random_scale", "scale = [0.5, 1.5]")->apply(s, rng).image.size(1));
  EXPECT_GE(*heights.begin(), 6);
  EXPECT_LE(*heights.rbegin(), 18);
  EXPECT_GT(heights.size(), 5u);
  EXPECT_THAT(test::error_of([] { transform("random_scale", "scale = [2.0, 1.0]"); }),
              ::testing::HasSubstr("scale must be [lowest, highest]"));
}

TEST(RandomRotate90, TurnsImageAndMaskTogetherByEveryQuarter) {
  Rng rng(3);
  const auto s = marked_sample(8, 10);
  std::set<std::int64_t> turns;
  for (int i = 0; i < 100; ++i) {
    const auto r = transform("random_rotate90")->apply(s, rng);
    EXPECT_TRUE(aligned(r));
    for (std::int64_t k = 0; k < 4; ++k)
      if (r.mask.equal(at::rot90(s.mask, k, {1, 2}))) turns.insert(k);
  }
  EXPECT_EQ(turns.size(), 4u);
}

TEST(PadToMultiple, PadsBottomAndRightWithNoCrack) {
  Rng rng(4);
  const auto s = marked_sample(12, 20);
  const auto padded = transform("pad_to_multiple", "multiple = 8")->apply(s, rng);
  EXPECT_EQ(padded.image.sizes(), (std::vector<std::int64_t>{3, 16, 24}));
  EXPECT_TRUE(padded.mask.narrow(1, 0, 12).narrow(2, 0, 20).equal(s.mask));
  EXPECT_EQ(padded.mask.sum().item<float>(), s.mask.sum().item<float>());
  EXPECT_EQ(padded.image.narrow(1, 12, 4).abs().sum().item<float>(), 0.0f);
  const auto mirrored = transform("pad_to_multiple", "multiple = 8\nimage_fill = \"reflect\"")->apply(s, rng);
  EXPECT_TRUE(mirrored.image.select(1, 12).narrow(1, 0, 20).equal(s.image.select(1, 10)));  // row 12 mirrors row 10
  EXPECT_TRUE(transform("pad_to_multiple", "multiple = 4")->apply(s, rng).image.equal(s.image));  // already fits
}
