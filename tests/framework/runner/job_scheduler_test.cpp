// Which job of a side-by-side run starts next: at most N at once, a job that measures time
// alone and not put off, and one filler per shared cache until it has filled it.

#include "runner/job_scheduler.hpp"

#include <gtest/gtest.h>

using crackkd::runner::Job;
using crackkd::runner::JobScheduler;

namespace {

Job train(const std::string& stage, const std::string& seed = "") { return Job{stage, seed, "train", 3}; }
Job distill(const std::string& stage, const std::string& seed) {
  return Job{stage, seed, "distill", 3, "teacher outputs " + seed};
}
Job benchmark() { return Job{"benchmark", "", "benchmark", 0, "", /*alone=*/true}; }

}  // namespace

TEST(JobScheduler, StartsAtMostItsSlotsInOrder) {
  JobScheduler s(2);
  s.add(train("a"));
  s.add(train("b"));
  s.add(train("c"));
  EXPECT_EQ(s.start_next(), 0u);
  EXPECT_EQ(s.start_next(), 1u);
  EXPECT_EQ(s.start_next(), std::nullopt);
  s.finish(1, true);
  EXPECT_EQ(s.start_next(), 2u);
  EXPECT_EQ(s.running(), 2u);
  EXPECT_EQ(s.waiting(), 0u);
}

TEST(JobScheduler, AJobThatRunsAloneWaitsForAnEmptyMachineAndHoldsBackTheJobsAfterIt) {
  JobScheduler s(2);
  s.add(train("a"));
  s.add(benchmark());
  s.add(train("c"));
  EXPECT_EQ(s.start_next(), 0u);
  EXPECT_EQ(s.start_next(), std::nullopt) << "c must not overtake the benchmark, or it could wait forever";
  s.finish(0, true);
  EXPECT_EQ(s.start_next(), 1u);
  EXPECT_EQ(s.start_next(), std::nullopt) << "nothing runs beside a job that measures time";
  s.finish(1, true);
  EXPECT_EQ(s.start_next(), 2u);
}

TEST(JobScheduler, OneJobFillsASharedCacheBeforeTheOthersOfItsKeyStart) {
  JobScheduler s(3);
  s.add(distill("nkd", "seed-1"));
  s.add(distill("cwd", "seed-1"));
  s.add(distill("cwd", "seed-2"));
  s.add(train("scratch", "seed-1"));
  EXPECT_EQ(s.start_next(), 0u);
  EXPECT_EQ(s.start_next(), 2u) << "another seed's teacher outputs are another key";
  EXPECT_EQ(s.start_next(), 3u);
  s.finish(3, true);
  EXPECT_EQ(s.start_next(), std::nullopt) << "cwd seed-1 would compute the teacher that nkd seed-1 is storing";
  s.finish(0, true);
  EXPECT_EQ(s.start_next(), 1u);
}

TEST(JobScheduler, AFailedFillerHandsTheCacheToTheNextJob) {
  JobScheduler s(2);
  s.add(distill("nkd", "seed-1"));
  s.add(distill("cwd", "seed-1"));
  s.add(distill("dist", "seed-1"));
  EXPECT_EQ(s.start_next(), 0u);
  EXPECT_EQ(s.start_next(), std::nullopt);
  s.finish(0, false);
  EXPECT_EQ(s.start_next(), 1u);
  EXPECT_EQ(s.start_next(), std::nullopt) << "the cache is still unfilled: cwd fills it now";
  s.finish(1, true);
  EXPECT_EQ(s.start_next(), 2u);
}

TEST(JobScheduler, NamesJobsAsWorkersAndLogsDo) {
  EXPECT_EQ(train("nkd", "seed-2").id(), "nkd/seed-2");
  EXPECT_EQ(train("nkd", "seed-2").label(), "nkd seed-2");
  EXPECT_EQ(benchmark().id(), "benchmark");
}
