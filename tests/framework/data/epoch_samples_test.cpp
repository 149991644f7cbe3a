#include "data/epoch_samples.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace crackkd::data;

TEST(EpochSamples, WithoutMixEveryImageOnceClean) {
  auto samples = epoch_samples(10, nullptr, 1, 1);
  ASSERT_EQ(samples.size(), 10u);
  std::vector<int> seen(10, 0);
  for (const auto& s : samples) {
    EXPECT_EQ(s.noise, -1);
    ++seen[s.index];
  }
  EXPECT_EQ(seen, std::vector<int>(10, 1));
}

TEST(EpochSamples, TwoToOneMixWithEqualNoiseShares) {
  NoiseMix mix;
  mix.noise_types = 4;
  mix.intensity_low = 0.1;
  mix.intensity_high = 0.5;
  auto samples = epoch_samples(90, &mix, 7, 3);
  std::size_t clean = 0;
  std::map<int, int> per_noise;
  std::vector<int> clean_copies(90, 0), noisy_copies(90, 0);
  for (const auto& s : samples) {
    if (s.noise < 0) {
      ++clean;
      ++clean_copies[s.index];
      continue;
    }
    ++per_noise[s.noise];
    ++noisy_copies[s.index];
    EXPECT_GE(s.intensity, 0.1);
    EXPECT_LE(s.intensity, 0.5);
  }
  EXPECT_EQ(clean, 90u);                  // every image, clean
  EXPECT_EQ(samples.size() - clean, 45u);    // plus half as many noisy copies: 2:1
  EXPECT_EQ(clean_copies, std::vector<int>(90, 1));
  for (int c : noisy_copies) EXPECT_LE(c, 1);  // 45 copies of 90 images: no image twice
  ASSERT_EQ(per_noise.size(), 4u);
  for (const auto& [noise, count] : per_noise) EXPECT_TRUE(count == 11 || count == 12) << noise << ": " << count;
}

TEST(EpochSamples, DependsOnlyOnSeedAndEpoch) {
  NoiseMix mix;
  mix.noise_types = 2;
  auto a = epoch_samples(20, &mix, 3, 1), b = epoch_samples(20, &mix, 3, 1), c = epoch_samples(20, &mix, 3, 2);
  ASSERT_EQ(a.size(), b.size());
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].index, b[i].index);
    EXPECT_EQ(a[i].noise, b[i].noise);
    EXPECT_EQ(a[i].intensity, b[i].intensity);
    differs |= a[i].index != c[i].index || a[i].noise != c[i].noise;
  }
  EXPECT_TRUE(differs);
}
