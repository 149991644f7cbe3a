// Interrupted runs, through the real binary: Ctrl-C (SIGINT) and SIGTERM stop within one
// training step, write the resume state, say how to resume and exit 130/143, and the
// rerun ends bit-identical to an uninterrupted run; SIGKILL keeps log.txt and the last
// resume state; a stale temporary is swept; a second run on one workdir is refused.
// Most cases train kPctDropPathPipeline (fixtures/), 6 steps an epoch.

#include "bad_input/bad_input_support.hpp"

#include "fixtures/pct_drop_path_pipeline.hpp"
#include "free_port.hpp"

#include <sys/file.h>

using namespace crackkd::test;
using ::testing::HasSubstr;

namespace {

/// `crackkd --log-level debug run` (a line per step on stderr), stopped by `signal` once
/// stderr shows `marker`.
Outcome run_stopped(const Workspace& ws, const fs::path& file, const std::string& marker, int signal) {
  RunSpec spec;
  spec.args = {"--log-level", "debug", "run", file.string(), "--workdir", ws.workdir().string()};
  spec.stop_when = marker;
  spec.stop_signal = signal;
  return run_crackkd(spec);
}

TEST(Interrupt, CtrlCMidEpochSavesResumesAndEndsBitIdentical) {
  Workspace interrupted, whole;
  const auto file = interrupted.pipeline(kPctDropPathPipeline);
  const auto stopped = run_stopped(interrupted, file, "train epoch 2/4 batch 2/", SIGINT);
  EXPECT_ENDED_WITH(stopped, 130, interrupted.path);
  EXPECT_THAT(stopped.err, HasSubstr("stage train stopped by SIGINT at epoch 2, batch "));
  EXPECT_THAT(stopped.err, HasSubstr("run the same command again to resume"));
  const fs::path stage = interrupted.workdir() / "resume" / "train";
  EXPECT_TRUE(fs::exists(stage / "resume.pt"));
  EXPECT_FALSE(fs::exists(stage / "stage.done"));
  EXPECT_THAT(read_file(interrupted.workdir() / "resume" / "log.txt"), HasSubstr("stopped by SIGINT"));

  const auto resumed = interrupted.run(file);
  ASSERT_EQ(resumed.code, 0) << resumed.said();
  EXPECT_THAT(resumed.err, HasSubstr("resuming after epoch 1 and batch "));
  ASSERT_EQ(whole.run(whole.pipeline(kPctDropPathPipeline)).code, 0);
  const fs::path reference = whole.workdir() / "resume" / "train";
  EXPECT_EQ(read_file(stage / "steps.csv"), read_file(reference / "steps.csv"));
  EXPECT_EQ(read_file(stage / "checkpoint.pt"), read_file(reference / "checkpoint.pt"));
}

TEST(Interrupt, SigtermMidEpochExits143WithTheResumeState) {
  Workspace ws;
  const auto stopped = run_stopped(ws, ws.pipeline(kPctDropPathPipeline), "train epoch 1/4 batch 3/", SIGTERM);
  EXPECT_ENDED_WITH(stopped, 143, ws.path);
  EXPECT_THAT(stopped.err, HasSubstr("stopped by SIGTERM at epoch 1"));
  EXPECT_TRUE(fs::exists(ws.workdir() / "resume" / "train" / "resume.pt"));
}

TEST(Interrupt, CtrlCWhileAnEpochIsSavedStopsAfterTheSave) {
  // The last batch's progress line comes just before validation and the checkpoint writes.
  Workspace ws;
  const auto file = ws.pipeline(kPctDropPathPipeline);
  const auto stopped = run_stopped(ws, file, "train epoch 1/4 6/6", SIGINT);
  EXPECT_ENDED_WITH(stopped, 130, ws.path);
  const auto resumed = ws.run(file);
  EXPECT_ENDED_WITH(resumed, 0, ws.path);
  EXPECT_THAT(resumed.err, HasSubstr("resuming after epoch"));
}

TEST(Interrupt, SigkillKeepsTheLogAndTheRerunResumes) {
  Workspace ws;
  const auto file = ws.pipeline(kPctDropPathPipeline);
  const auto killed = run_stopped(ws, file, "train epoch 2/4 batch 1/", SIGKILL);
  EXPECT_EQ(killed.signal, SIGKILL) << killed.said();
  EXPECT_THAT(read_file(ws.workdir() / "resume" / "log.txt"), HasSubstr("stage train (train) starts"));
  const auto resumed = ws.run(file);
  EXPECT_ENDED_WITH(resumed, 0, ws.path);
  EXPECT_THAT(resumed.err, HasSubstr("resuming after epoch 1"));
}

TEST(Interrupt, SigkillWhileAnEpochIsSavedLeavesNothingTornBehind) {
  Workspace ws;
  const auto file = ws.pipeline(kPctDropPathPipeline);
  const auto killed = run_stopped(ws, file, "train epoch 1/4 6/6", SIGKILL);
  EXPECT_EQ(killed.signal, SIGKILL) << killed.said();
  const auto resumed = ws.run(file);
  EXPECT_ENDED_WITH(resumed, 0, ws.path);
  EXPECT_TRUE(fs::exists(ws.workdir() / "resume" / "train" / "stage.done"));
}

TEST(Interrupt, CtrlCToADataParallelLauncherStopsEveryRankAtOneStep) {
  Workspace ws;
  // 48 samples: 6 global batches of 2 x 4 an epoch, so the stop lands inside epoch 2.
  const auto file = ws.pipeline(replaced(replaced(kPctDropPathPipeline, "device = \"cpu\"", "device = \"cpu\"\nthreads = 1"),
                                         "count = 24", "count = 48"));
  const std::vector<std::string> launch{"--nproc", "2", "--master", "127.0.0.1:" + std::to_string(free_port())};
  RunSpec spec;
  spec.args = {"--log-level", "debug", "run", file.string(), "--workdir", ws.workdir().string()};
  spec.args.insert(spec.args.end(), launch.begin(), launch.end());
  spec.stop_when = "train epoch 2/4 batch 2/";
  const auto stopped = run_crackkd(spec);
  EXPECT_ENDED_WITH(stopped, 130, ws.path);
  EXPECT_THAT(stopped.err, HasSubstr("stopped by SIGINT; run the same command again to resume"));
  const auto resumed = ws.run(file, launch);
  EXPECT_ENDED_WITH(resumed, 0, ws.path);
  EXPECT_THAT(resumed.err, HasSubstr("resuming after epoch 1 and batch "));
  EXPECT_THAT(resumed.err, HasSubstr("the 2 ranks end with identical weights"));
}

TEST(Interrupt, StaleTemporariesOfAKilledRunAreSwept) {
  Workspace ws;
  const auto file = ws.pipeline(kTinyPipeline);
  ASSERT_EQ(ws.run(file).code, 0);
  const fs::path stale = ws.workdir() / "tiny" / "train" / "checkpoint.pt.tmp4194301";
  std::ofstream(stale) << "half a checkpoint";
  const auto outcome = ws.run(file);
  EXPECT_ENDED_WITH(outcome, 0, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("removed " + stale.string()));
}

TEST(Interrupt, CtrlCDuringEvaluationKeepsThePreviousScores) {
  Workspace ws;
  const auto file = ws.pipeline(replaced(replaced(kTinyPipeline, "count = 4\nsize = 64", "count = 300\nsize = 96"),
                                         "examples = 0", "examples = 0\nnoises = [\"salt\"]\nlevels = [0.0, 0.1, "
                                         "0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]") +
                                "\n[noises]\nsalt = { plugin = \"salt\" }\n");
  ASSERT_EQ(ws.run(file).code, 0);
  const auto before = results_under(ws.workdir() / "tiny" / "evaluate");
  RunSpec spec;
  spec.args = {"run", file.string(), "--workdir", ws.workdir().string(), "--force", "evaluate"};
  spec.stop_when = "robustness evaluate";
  const auto stopped = run_crackkd(spec);
  EXPECT_ENDED_WITH(stopped, 130, ws.path);
  EXPECT_THAT(stopped.err, HasSubstr("robustness evaluate: stopped by SIGINT"));
  EXPECT_EQ(results_under(ws.workdir() / "tiny" / "evaluate"), before);
}

TEST(Interrupt, CtrlCDuringAStageWithoutStepsStopsBeforeTheNextStage) {
  Workspace ws;
  const auto file = ws.pipeline(replaced(kTinyPipeline, "[stages.evaluate]",
                                         "[stages.benchmark]\nkind = \"benchmark\"\nmodels = [\"train\"]\nsize = 64\n"
                                         "runs = 3000\n\n[stages.evaluate]\nafter = [\"benchmark\"]"));
  RunSpec spec;
  spec.args = {"run", file.string(), "--workdir", ws.workdir().string()};
  spec.stop_when = "stage benchmark (benchmark) starts";
  const auto stopped = run_crackkd(spec);
  EXPECT_ENDED_WITH(stopped, 130, ws.path);
  EXPECT_THAT(stopped.err, HasSubstr("pipeline tiny before stage evaluate (run the same command again to go on): "
                                     "stopped by SIGINT"));
  EXPECT_FALSE(fs::exists(ws.workdir() / "tiny" / "evaluate"));
  const auto resumed = ws.run(file);
  EXPECT_ENDED_WITH(resumed, 0, ws.path);
  EXPECT_THAT(resumed.err, HasSubstr("stage benchmark (benchmark) is up to date"));
}

TEST(Interrupt, ASecondRunOnTheSameWorkdirIsRefused) {
  Workspace ws;
  const auto file = ws.pipeline(kTinyPipeline);
  const fs::path run_dir = ws.workdir() / "tiny";
  fs::create_directories(run_dir);
  // This test process plays the first run: it holds the lock as crackkd does.
  const int fd = ::open((run_dir / ".lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  ASSERT_EQ(::write(fd, "4242\n", 5), 5);
  const auto refused = ws.run(file);
  EXPECT_ENDED_WITH(refused, 1, ws.path);
  EXPECT_THAT(refused.err, HasSubstr("another crackkd run (pid 4242) is writing " + run_dir.string()));
  EXPECT_FALSE(fs::exists(run_dir / "train"));
  ::close(fd);
  EXPECT_EQ(ws.run(file).code, 0) << "the lock outlived its holder";
}

}  // namespace
