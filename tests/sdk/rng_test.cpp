#include <crackkd/rng.hpp>

#include <gtest/gtest.h>

using crackkd::Rng;

TEST(Rng, SameSeedSameStream) {
  Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
}

TEST(Rng, DerivedStreamsDependOnEveryKey) {
  EXPECT_EQ(Rng::derive(1, {2, 3}).next(), Rng::derive(1, {2, 3}).next());
  EXPECT_NE(Rng::derive(1, {2, 3}).next(), Rng::derive(1, {3, 2}).next());
  EXPECT_NE(Rng::derive(1, {2}).next(), Rng::derive(2, {2}).next());
}

TEST(Rng, DrawsStayInTheirRanges) {
  Rng rng(7);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const double u = rng.uniform(2.0, 3.0);
    ASSERT_GE(u, 2.0);
    ASSERT_LT(u, 3.0);
    const auto k = rng.integer(-2, 2);
    ASSERT_GE(k, -2);
    ASSERT_LE(k, 2);
    sum += rng.normal();
  }
  EXPECT_NEAR(sum / 10000, 0.0, 0.05);
}

TEST(Rng, StateRoundTrips) {
  Rng rng(3);
  rng.next();
  const auto saved = rng.state();
  const auto expected = rng.next();
  Rng restored;
  restored.set_state(saved);
  EXPECT_EQ(restored.next(), expected);
}
