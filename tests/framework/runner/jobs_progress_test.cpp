// The progress of a side-by-side run: what runs, and an ETA from the epochs workers report.

#include "runner/jobs_progress.hpp"

#include <gmock/gmock.h>

using crackkd::runner::JobsProgress;

TEST(JobsProgress, SpreadsTheEpochsLeftOverTheWorkers) {
  double now = 0;
  JobsProgress p(2, [&] { return now; });
  p.add("a seed-1", "train", 10);
  p.add("a seed-2", "train", 10);
  p.add("b seed-1", "train", 10);
  p.add("evaluate", "evaluate", 0);
  EXPECT_EQ(p.eta_seconds(), std::nullopt) << "no epoch measured yet";
  p.started("a seed-1");
  p.started("a seed-2");
  p.epochs_done("a seed-1", 0.0);
  p.epochs_done("a seed-2", 0.0);
  now = 20;
  p.epochs_done("a seed-1", 2.0);  // 10 s an epoch, per worker
  p.epochs_done("a seed-2", 2.0);
  // 8 + 8 + 10 epochs left at 10 s, on 2 workers.
  ASSERT_TRUE(p.eta_seconds());
  EXPECT_DOUBLE_EQ(*p.eta_seconds(), 130.0);
  EXPECT_EQ(p.status(), "running a seed-1 (epoch 2.0/10), a seed-2 (epoch 2.0/10); 0/4 jobs done, pipeline ETA 2:10");
}

TEST(JobsProgress, AResumedJobIsMeasuredFromItsFirstReportAndOneJobLeftUsesOneWorker) {
  double now = 100;
  JobsProgress p(2, [&] { return now; });
  p.add("a", "distill", 10);
  p.add("b", "train", 4);
  p.started("a");
  p.epochs_done("a", 6.0);  // resumed after epoch 6: those took no time in this run
  now = 130;
  p.epochs_done("a", 7.0);
  p.finished("b");
  ASSERT_TRUE(p.eta_seconds());
  EXPECT_DOUBLE_EQ(*p.eta_seconds(), 90.0) << "3 epochs at 30 s, one job left for the 2 workers";
  EXPECT_THAT(p.status(), testing::StartsWith("running a (epoch 7.0/10); 1/2 jobs done"));
}
