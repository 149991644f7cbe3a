// `crackkd run -j 2` through the real binary: independent stages run at the same time in
// their own workers and end bit-identical to `-j 1`; Ctrl-C stops every worker and the
// rerun resumes each exactly; a failing stage is named and the others' results are kept,
// and a job's threads follow the plan (a stage nothing can join takes every core), never
// the timing.

#include "bad_input/subprocess.hpp"
#include "test_support.hpp"
#include "tiny_pipeline.hpp"

#include <gmock/gmock.h>

#include <algorithm>
#include <fstream>
#include <thread>

using namespace crackkd;
namespace fs = std::filesystem;
using testing::HasSubstr;

namespace {

// Two students of one stream trained side by side, one thread each, then scored.
const std::string kTwoStudents = test::TinyPipeline{.name = "side",
                                                    .seed = 3,
                                                    .extra = "threads = 1\n",
                                                    .train_images = 64,
                                                    .size = 96,
                                                    .val_images = 2,
                                                    .model = "student",
                                                    .channels = "[8, 16, 32, 32]"}
                                       .text() +
                                   R"(
[stages.a]
kind = "train"
model = "student"
data = "train"
validate_on = "val"
stream = "pair"
epochs = 6                  # 96 steps: ~2 s, longer than a worker's start
batch_size = 4

[stages.b]
extends = "a"
lr = 3e-3

[stages.evaluate]
kind = "evaluate"
data = "val"
models = ["a", "b"]
)";

test::Outcome run(const fs::path& pipeline, const fs::path& workdir, const std::vector<std::string>& more = {},
                  const std::string& stop_when = "") {
  test::RunSpec spec;
  spec.args = {"--log-level", "debug", "run", pipeline.string(), "--workdir", workdir.string()};
  spec.args.insert(spec.args.end(), more.begin(), more.end());
  spec.stop_when = stop_when;
  return test::run_crackkd(spec);
}

/// The index of the first line of `log` that contains `text`, or npos.
std::size_t line_of(const std::string& log, const std::string& text) {
  const auto at = log.find(text);
  if (at == std::string::npos) return std::string::npos;
  return static_cast<std::size_t>(std::count(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

/// Everything the stages computed, equal bit for bit: weights, per-step losses, scores.
void expect_same_results(const fs::path& one, const fs::path& other) {
  for (const std::string stage : {"a", "b"}) {
    EXPECT_EQ(test::read_file(one / stage / "checkpoint.pt"), test::read_file(other / stage / "checkpoint.pt")) << stage;
    EXPECT_EQ(test::read_file(one / stage / "steps.csv"), test::read_file(other / stage / "steps.csv")) << stage;
  }
  EXPECT_EQ(test::read_file(one / "evaluate" / "per_image.csv"), test::read_file(other / "evaluate" / "per_image.csv"));
}

/// The pipeline run one stage at a time, once for the suite: what every side-by-side run
/// must end with.
class SideBySide : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    reference_ = new test::TempDir;
    const auto file = reference_->write("side.toml", kTwoStudents);
    const auto alone = run(file, reference_->path / "j1", {"-j", "1"});
    ASSERT_EQ(alone.code, 0) << alone.said();
  }
  static void TearDownTestSuite() {
    delete reference_;
    reference_ = nullptr;
  }
  static fs::path one_at_a_time() { return reference_->path / "j1" / "side"; }

  test::TempDir dir;

 private:
  static test::TempDir* reference_;
};
test::TempDir* SideBySide::reference_ = nullptr;

}  // namespace

TEST_F(SideBySide, IndependentStagesOverlapAndEndBitIdenticalToOneAtATime) {
  const auto file = dir.write("side.toml", kTwoStudents);
  const auto together = run(file, dir.path / "j2", {"-j", "2"});
  ASSERT_EQ(together.code, 0) << together.said();

  // Each worker took steps while the other was taking steps.
  const std::string log = test::read_file(dir.path / "j2" / "side" / "log.txt");
  const auto first_a = line_of(log, "[debug] [a] a epoch 1/6 batch 1/16"), last_a = line_of(log, "[debug] [a] a epoch 6/6 batch 16/16");
  const auto first_b = line_of(log, "[debug] [b] b epoch 1/6 batch 1/16"), last_b = line_of(log, "[debug] [b] b epoch 6/6 batch 16/16");
  ASSERT_NE(last_a, std::string::npos) << log;
  ASSERT_NE(last_b, std::string::npos) << log;
  EXPECT_LT(first_b, last_a) << log;
  EXPECT_LT(first_a, last_b) << log;
  EXPECT_THAT(together.err, HasSubstr("up to 2 jobs side by side"));
  EXPECT_THAT(together.out, HasSubstr("(ran 3, up to date 0)"));

  expect_same_results(one_at_a_time(), dir.path / "j2" / "side");
  // A second run finds everything up to date, side by side too.
  const auto again = run(file, dir.path / "j2", {"-j", "2"});
  EXPECT_THAT(again.out, HasSubstr("(ran 0, up to date 3)")) << again.said();
}

TEST_F(SideBySide, CtrlCStopsEveryWorkerAndTheRerunResumesEachExactly) {
  const auto file = dir.write("side.toml", kTwoStudents);

  // Ctrl-C once both are in their second epoch.
  const auto stopped = run(file, dir.path / "stopped", {"-j", "2"}, "[debug] [b] b epoch 2/6 batch 2/");
  ASSERT_EQ(stopped.code, 130) << stopped.said();
  const fs::path run_dir = dir.path / "stopped" / "side";
  for (const std::string stage : {"a", "b"}) {
    EXPECT_FALSE(fs::exists(run_dir / stage / "stage.done")) << stage << " ran to its end: nothing was stopped";
    EXPECT_TRUE(fs::exists(run_dir / stage / "resume.pt")) << stage;
  }
  EXPECT_THAT(stopped.err, HasSubstr("stopped by SIGINT"));

  const auto resumed = run(file, dir.path / "stopped", {"-j", "2"});
  ASSERT_EQ(resumed.code, 0) << resumed.said();
  const std::string log = test::read_file(run_dir / "log.txt");
  EXPECT_THAT(log, HasSubstr("[info] [a] a: resuming after epoch"));
  EXPECT_THAT(log, HasSubstr("[info] [b] b: resuming after epoch"));
  expect_same_results(one_at_a_time(), run_dir);
}

TEST_F(SideBySide, AFailingStageIsNamedAndTheOthersResultsSurvive) {
  // A teacher file that exists (validation passes) but is not a checkpoint: the stage
  // fails when it runs, beside a stage that trains.
  dir.write("garbage.pt", "not a checkpoint");
  std::string pipeline = kTwoStudents;
  const std::string student_b = "[stages.b]\nextends = \"a\"\nlr = 3e-3\n";
  pipeline.replace(pipeline.find(student_b), student_b.size(),
                   "[stages.b]\nkind = \"distill\"\nteacher_checkpoint = \"" + (dir.path / "garbage.pt").string() +
                       "\"\nstudent = \"student\"\ndata = \"train\"\ndistiller = { plugin = \"rfkd\" }\nepochs = 1\n");
  pipeline.replace(pipeline.find("threads = 1\n"), 12, "");  // threads follow the jobs that run
  const auto file = dir.write("side.toml", pipeline);
  const auto r = run(file, dir.path / "runs", {"-j", "2"});
  EXPECT_EQ(r.code, 1) << r.said();
  EXPECT_THAT(r.err, HasSubstr("error: stage b failed: "));
  EXPECT_THAT(r.err, HasSubstr("garbage.pt"));
  const fs::path run_dir = dir.path / "runs" / "side";
  EXPECT_TRUE(fs::exists(run_dir / "a" / "stage.done")) << "the stage that was running finishes and is kept";
  EXPECT_FALSE(fs::exists(run_dir / "b" / "stage.done"));
  EXPECT_FALSE(fs::exists(run_dir / "evaluate")) << "no stage starts after a failure";
  // Alone now, the stage that trains keeps its share: its sums must not depend on timing.
  EXPECT_EQ(r.err.find("goes on with"), std::string::npos) << r.said();
}

TEST_F(SideBySide, ThreadSharesFollowThePlanNotTheTiming) {
  std::string pipeline = kTwoStudents;
  pipeline.replace(pipeline.find("threads = 1\n"), 12, "");
  pipeline.replace(pipeline.find("epochs = 6 "), 10, "epochs = 1");
  // A benchmark reads the students as evaluate does; it runs alone, so it never joins evaluate.
  pipeline += "\n[stages.benchmark]\nkind = \"benchmark\"\nmodels = [\"a\", \"b\"]\nsize = 64\nruns = 2\nwarmup = 0\n";
  const auto file = dir.write("side.toml", pipeline);
  const auto r = run(file, dir.path / "runs", {"-j", "2"});
  ASSERT_EQ(r.code, 0) << r.said();
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const auto share = [&](const std::string& job) {
    const auto at = r.err.find(job + " starts (worker ");
    if (at == std::string::npos) return std::string("not started");
    const auto from = r.err.find(", ", at) + 2;
    return r.err.substr(from, r.err.find(" thread", from) - from);
  };
  // The students can run beside each other: half the cores each, whatever the other does.
  EXPECT_EQ(share("a"), std::to_string(std::max(1u, cores / 2))) << r.said();
  EXPECT_EQ(share("b"), std::to_string(std::max(1u, cores / 2))) << r.said();
  // Nothing can run beside the stages that read both (the benchmark runs alone): every core.
  EXPECT_EQ(share("evaluate"), std::to_string(cores)) << r.said();
  EXPECT_EQ(share("benchmark"), std::to_string(cores)) << r.said();
}

TEST_F(SideBySide, JobsAndDataParallelRanksAreOneOrTheOther) {
  const auto file = dir.write("side.toml", kTwoStudents);
  const auto r = run(file, dir.path / "runs", {"-j", "2", "--nproc", "2"});
  EXPECT_EQ(r.code, 2) << r.said();
  EXPECT_THAT(r.err, HasSubstr("-j 2 with --nproc/--nnodes"));
}
