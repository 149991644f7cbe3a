#include "data/loader.hpp"
#include "test_support.hpp"

#include <crackkd/rng.hpp>

#include <ATen/ATen.h>
#include <gmock/gmock.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>

using namespace crackkd;

namespace {

/// A sample whose content depends only on its position, through its own random stream.
Sample sample_at(std::size_t position) {
  Rng rng = Rng::derive(9, {position});
  const double v = rng.uniform();
  return {at::full({3, 4, 4}, v), at::zeros({1, 4, 4}), "p" + std::to_string(position)};
}

std::vector<Batch> epoch(int workers) {
  data::BatchLoader loader(11, 3, sample_at, workers, 2, false);
  std::vector<Batch> out;
  for (std::size_t b = 0; b < loader.batches(); ++b) out.push_back(loader.next());
  return out;
}

}  // namespace

TEST(BatchLoader, SameBatchesWithZeroOneAndTwoWorkers) {
  const auto reference = epoch(0);
  ASSERT_EQ(reference.size(), 4u);  // 11 samples in batches of 3
  EXPECT_EQ(reference.back().images.size(0), 2);
  for (int workers : {1, 2}) {
    const auto other = epoch(workers);
    ASSERT_EQ(other.size(), reference.size());
    for (std::size_t b = 0; b < other.size(); ++b) {
      EXPECT_EQ(other[b].ids, reference[b].ids) << workers << " workers, batch " << b;
      EXPECT_TRUE(other[b].images.equal(reference[b].images)) << workers << " workers, batch " << b;
    }
  }
}

TEST(BatchLoader, AWorkersErrorReachesTheCaller) {
  data::BatchLoader loader(6, 2, [](std::size_t p) -> Sample {
    if (p == 3) throw Error("cannot read image p3.png");
    return sample_at(p);
  }, 2, 2, false);
  loader.next();
  EXPECT_THAT(test::error_of([&] { loader.next(); }), ::testing::HasSubstr("cannot read image p3.png"));
}

TEST(BatchLoader, StopsCleanlyWhenAbandoned) {
  // The destructor must join workers that are waiting for room to prefetch. It runs on a
  // thread of its own, so that a deadlock fails this test at its deadline instead of
  // hanging the test binary; the thread owns what it uses and is left behind if it hangs.
  auto destroyed = std::make_shared<std::promise<void>>();
  auto done = destroyed->get_future();
  std::thread([destroyed] {
    {
      data::BatchLoader loader(100, 2, sample_at, 2, 4, false);
      loader.next();
    }
    destroyed->set_value();
  }).detach();
  EXPECT_EQ(done.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "an abandoned loader's destructor did not return within 60 s: its workers deadlocked";
}
