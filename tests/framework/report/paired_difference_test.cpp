#include "report/paired_difference.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace crackkd::report;

TEST(PairedDifference, MeanAndStudentIntervalOverTheSeedsBothHave) {
  // Differences 0.02, 0.04, 0.03 on seeds 1-3 (seed 4 only the model has): mean 0.03,
  // sample std 0.01, standard error 0.01 / sqrt(3), t(2) = 4.303.
  const auto d = paired_difference({{"1", 0.70}, {"2", 0.74}, {"3", 0.73}, {"4", 0.9}},
                                   {{"1", 0.68}, {"2", 0.70}, {"3", 0.70}});
  EXPECT_EQ(d.pairs, 3u);
  EXPECT_NEAR(d.mean, 0.03, 1e-12);
  EXPECT_NEAR(d.half_width, 4.303 * 0.01 / std::sqrt(3.0), 1e-9);
  EXPECT_EQ(difference_text(d), "+0.0300 (+0.0052, +0.0548)");
}

TEST(PairedDifference, OnePairHasNoIntervalAndNoneHasNoDifference) {
  const auto one = paired_difference({{"7", 0.5}}, {{"7", 0.6}});
  EXPECT_EQ(one.pairs, 1u);
  EXPECT_TRUE(std::isnan(one.half_width));
  EXPECT_EQ(difference_text(one), "-0.1000");
  EXPECT_EQ(difference_text(paired_difference({{"", 0.5}}, {{"1", 0.6}})), "–");
}

TEST(PairedDifference, TQuantilesFollowTheTableAndErrWideBeyondIt) {
  EXPECT_EQ(t_quantile_975(1), 12.706);
  EXPECT_EQ(t_quantile_975(4), 2.776);
  EXPECT_EQ(t_quantile_975(30), 2.042);
  EXPECT_EQ(t_quantile_975(45), 2.042);
  EXPECT_EQ(t_quantile_975(500), 1.980);
}
