// The run's progress: stage n of m, and a pipeline ETA from measured epoch times.

#include "runtime/run_progress.hpp"

#include <gtest/gtest.h>

using crackkd::runtime::RunProgress;

namespace {

struct FakeClock {
  double now = 0;
  std::function<double()> clock() {
    return [this] { return now; };
  }
};

// teacher: train, 10 epochs; two students: distill, 4 epochs x 2 seeds; evaluate; report.
std::vector<RunProgress::Stage> comparison() {
  return {{"teacher", "train", 10, 1, true},
          {"rfkd", "distill", 4, 2, true},
          {"nkd", "distill", 4, 2, true},
          {"evaluate", "evaluate", 0, 1, true},
          {"report", "report", 0, 1, true}};
}

}  // namespace

TEST(RunProgress, SaysWhichStageOfHowMany) {
  FakeClock t;
  RunProgress progress(comparison(), t.clock());
  progress.start_stage(2);
  EXPECT_EQ(progress.position(), "stage 3/5");
  EXPECT_EQ(progress.status(), "stage 3/5");  // nothing measured yet: no ETA
}

TEST(RunProgress, EstimatesEachKindFromItsOwnEpochsOnceMeasured) {
  FakeClock t;
  RunProgress progress(comparison(), t.clock());
  progress.start_stage(0);
  t.now = 20;
  progress.epochs_done(1);  // the first report sets the baseline
  t.now = 30;
  progress.epochs_done(2);  // one epoch in 10 s
  // teacher: 8 epochs left; distill, not measured, borrows 10 s/epoch: 16 epochs
  EXPECT_DOUBLE_EQ(*progress.eta_seconds(), (8 + 16) * 10.0);
  t.now = 110;
  progress.epochs_done(10);
  progress.end_stage();
  progress.start_stage(1);
  progress.start_replicate(0);
  t.now = 115;
  progress.epochs_done(1);
  t.now = 145;
  progress.epochs_done(2);  // a distill epoch takes 30 s
  t.now = 205;
  progress.epochs_done(4);
  progress.start_replicate(1);  // 4 epochs of the 8 done
  EXPECT_DOUBLE_EQ(*progress.eta_seconds(), (4 + 8) * 30.0);
  EXPECT_EQ(progress.status(), "stage 2/5, pipeline ETA 6:00");
}

TEST(RunProgress, SkippedStagesAndFinishedTrainingCountNothing) {
  FakeClock t;
  auto stages = comparison();
  stages[2].will_run = false;  // nkd is up to date
  RunProgress progress(stages, t.clock());
  progress.start_stage(0);
  progress.end_stage();  // the teacher was skipped after all
  progress.start_stage(1);
  progress.start_replicate(0);
  t.now = 10;
  progress.epochs_done(1);
  t.now = 20;
  progress.epochs_done(2);
  EXPECT_DOUBLE_EQ(*progress.eta_seconds(), 6 * 10.0);
  t.now = 80;
  progress.start_replicate(1);
  progress.epochs_done(4);
  progress.end_stage();
  progress.start_stage(3);
  EXPECT_FALSE(progress.eta_seconds());  // only evaluate and report are left
  EXPECT_EQ(progress.status(), "stage 4/5");
}

TEST(RunProgress, AResumedStageIsTimedFromWhereItResumed) {
  FakeClock t;
  RunProgress progress(comparison(), t.clock());
  progress.start_stage(0);
  t.now = 5;
  progress.epochs_done(7.5);  // resumed after epoch 7, half of epoch 8 done at once
  t.now = 15;
  progress.epochs_done(8.5);
  EXPECT_DOUBLE_EQ(*progress.eta_seconds(), (1.5 + 16) * 10.0);
}
