// The four noises through the plugin host: what intensity means, determinism, and that
// only the image changes.

#include "test_support.hpp"

#include <crackkd/noise.hpp>

#include <ATen/ATen.h>
#include <gmock/gmock.h>

using namespace crackkd;

namespace {

std::shared_ptr<Noise> noise_plugin(const std::string& name) {
  static auto host = test::make_host();
  return host->create<Noise>("noise", test::component(name));
}

/// A noise at one intensity, as the tests below call it.
struct NoiseAt {
  std::shared_ptr<Noise> noise;
  double intensity;
  Sample apply(Sample s, Rng& rng) const { return noise->apply(std::move(s), intensity, rng); }
};
std::shared_ptr<NoiseAt> noise(const std::string& name, double intensity) {
  return std::make_shared<NoiseAt>(NoiseAt{noise_plugin(name), intensity});
}

Sample grey_sample(std::int64_t side = 224) {
  auto mask = at::zeros({1, side, side});
  mask.narrow(1, side / 2, 2).fill_(1.0);
  return {at::full({3, side, side}, 0.5), mask, "grey"};
}

double changed_fraction(const Sample& before, const Sample& after) {
  return (before.image != after.image).any(0).to(at::kDouble).mean().item<double>();
}

/// Mean absolute difference between horizontal neighbours: falls as an image blurs.
double sharpness(const at::Tensor& image) {
  return (image.narrow(2, 1, image.size(2) - 1) - image.narrow(2, 0, image.size(2) - 1)).abs().mean().item<double>();
}

}  // namespace

TEST(ImpulseNoise, ChangesAboutIntensityOfThePixels) {
  for (const char* name : {"salt", "pepper"}) {
    for (double p : {0.05, 0.3, 0.5}) {
      Rng rng(11);
      const auto clean = grey_sample();
      const auto noisy = noise(name, p)->apply(clean, rng);
      // 224*224 Bernoulli draws: standard deviation <= 0.0023; allow ~4 of them.
      EXPECT_NEAR(changed_fraction(clean, noisy), p, 0.01) << name << " " << p;
      const double value = std::string(name) == "salt" ? 1.0 : 0.0;
      EXPECT_TRUE(((noisy.image == value) | (noisy.image == 0.5)).all().item<bool>());
      EXPECT_TRUE(noisy.mask.equal(clean.mask));
    }
  }
}

TEST(ImpulseNoise, SameRngSamePixels) {
  Rng a(5), b(5), c(6);
  const auto clean = grey_sample(64);
  EXPECT_TRUE(noise("salt", 0.2)->apply(clean, a).image.equal(noise("salt", 0.2)->apply(clean, b).image));
  EXPECT_FALSE(noise("salt", 0.2)->apply(clean, a).image.equal(noise("salt", 0.2)->apply(clean, c).image));
}

TEST(GaussianBlur, BlurGrowsMonotonicallyWithIntensity) {
  at::manual_seed(3);
  Sample s{at::rand({3, 96, 96}), at::zeros({1, 96, 96}), "random"};
  double previous = sharpness(s.image);
  Rng rng(1);
  EXPECT_TRUE(noise("gaussian_blur", 0.0)->apply(s, rng).image.equal(s.image));
  for (double p : {0.1, 0.2, 0.3, 0.4, 0.5}) {
    const double now = sharpness(noise("gaussian_blur", p)->apply(s, rng).image);
    EXPECT_LT(now, previous) << "intensity " << p;
    previous = now;
  }
}

TEST(CrackTexture, ChangesTheImageNotTheMask) {
  const auto clean = grey_sample();
  Rng rng(2);
  const auto noisy = noise("crack_texture", 0.5)->apply(clean, rng);
  EXPECT_TRUE(noisy.mask.equal(clean.mask));
  EXPECT_GT(changed_fraction(clean, noisy), 0.005);
  EXPECT_LE(noisy.image.max().item<double>(), 0.5 + 1e-6);  // strokes only darken
  Rng again(2);
  EXPECT_TRUE(noise("crack_texture", 0.5)->apply(clean, again).image.equal(noisy.image));
  Rng none(2);
  EXPECT_TRUE(noise("crack_texture", 0.0)->apply(clean, none).image.equal(clean.image));
}

TEST(CrackTexture, MoreIntensityMoreStrokes) {
  const auto clean = grey_sample();
  Rng a(4), b(4);
  EXPECT_LT(changed_fraction(clean, noise("crack_texture", 0.1)->apply(clean, a)),
            changed_fraction(clean, noise("crack_texture", 0.5)->apply(clean, b)));
}

TEST(Noises, TheIntensityIsNoOption) {
  auto host = test::make_host();
  for (const char* name : {"salt", "pepper", "gaussian_blur", "crack_texture"})
    EXPECT_THAT(test::config_error([&] { host->validate("noise", test::component(name, "intensity = 0.5")); }),
                ::testing::HasSubstr("unknown key 'intensity'"))
        << name;
}

TEST(Noise, OneObjectServesEveryIntensity) {
  at::manual_seed(7);
  const Sample clean{at::rand({3, 64, 64}), at::zeros({1, 64, 64}), "random"};  // blur changes no flat image
  for (const char* name : {"salt", "pepper", "gaussian_blur", "crack_texture"}) {
    const auto plugin = noise_plugin(name);
    Rng a(3), b(3), c(3);
    const auto none = plugin->apply(clean, 0.0, a);
    EXPECT_TRUE(none.image.equal(clean.image)) << name << ": intensity 0 changes nothing";
    const auto weak = plugin->apply(clean, 0.1, b), strong = plugin->apply(clean, 0.6, c);
    const auto change = [&](const Sample& s) { return (s.image - clean.image).abs().mean().item<double>(); };
    EXPECT_LT(change(weak), change(strong)) << name;
  }
}
