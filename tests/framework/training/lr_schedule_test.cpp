#include "training/lr_schedule.hpp"

#include <gtest/gtest.h>

using crackkd::training::LrSchedule;

TEST(LrSchedule, ConstantIsTheRateAtEveryStep) {
  const LrSchedule s{"constant", 1e-3, 0, 100};
  EXPECT_DOUBLE_EQ(s.at(0), 1e-3);
  EXPECT_DOUBLE_EQ(s.at(99), 1e-3);
}

TEST(LrSchedule, WarmupRisesLinearlyToTheRate) {
  const LrSchedule s{"constant", 1e-3, 4, 100};
  EXPECT_DOUBLE_EQ(s.at(0), 0.25e-3);
  EXPECT_DOUBLE_EQ(s.at(1), 0.5e-3);
  EXPECT_DOUBLE_EQ(s.at(3), 1e-3);
  EXPECT_DOUBLE_EQ(s.at(4), 1e-3);
}

TEST(LrSchedule, CosineFallsFromTheRateToZeroAfterWarmup) {
  const LrSchedule s{"cosine", 2e-3, 10, 110};
  EXPECT_DOUBLE_EQ(s.at(10), 2e-3);
  EXPECT_NEAR(s.at(60), 1e-3, 1e-12);  // half-way: cos(π/2) = 0
  EXPECT_NEAR(s.at(110), 0.0, 1e-12);
  for (std::int64_t step = 11; step < 110; ++step) EXPECT_LT(s.at(step), s.at(step - 1));
}
