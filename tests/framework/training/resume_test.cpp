// Exact resume: a run killed with SIGKILL mid-epoch and started again ends with the same
// weights and the same per-step losses (steps.csv), bit for bit, as a run that was never
// interrupted - for a `train` stage and for a `distill` stage with trained connectors.

#include "checkpoints/checkpoint.hpp"
#include "fixtures/pct_drop_path_pipeline.hpp"
#include "test_support.hpp"
#include "tiny_pipeline.hpp"

#include <gmock/gmock.h>
#include <torch/torch.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace crackkd;
namespace fs = std::filesystem;

namespace {


// A teacher trained for one epoch, then an RFKD student on a 2:1 clean/noisy mix (18
// samples, 5 steps an epoch): resume must also restore the distiller's connectors
// (trained with the student, kept in resume.pt only).
const std::string kDistillPipeline =
    test::TinyPipeline{.name = "distill_resume", .seed = 4, .train_images = 12, .val_images = 2, .model = "teacher"}
        .text() +
    R"(
[noises]
salt = { plugin = "salt" }

[models.student]
plugin = "pct"
depths = [1, 1, 1, 1]
drop_path = 0.3

[stages.teacher]
kind = "train"
model = "teacher"
data = "train"
epochs = 1
batch_size = 4

[stages.distill]
kind = "distill"
teacher = "teacher"
student = "student"
data = "train"
validate_on = "val"
distiller = { plugin = "rfkd" }
noise_mix = { clean = 2, noisy = 1, noises = ["salt"] }
epochs = 3
batch_size = 4
)";

/// Starts `args` with its standard output and error (the log) in `output`.
pid_t start(const std::vector<std::string>& args, const fs::path& output = "/dev/null") {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (!::freopen(output.c_str(), "w", stdout) || ::dup2(STDOUT_FILENO, STDERR_FILENO) < 0) ::_exit(126);
    // OpenMP threads that spin while they wait make a run ~30x slower when other processes
    // hold the cores (measured: 82 s instead of 2.7 s for kDistillPipeline beside another
    // training run on 2 cores); sleeping instead changes no result, only the waiting.
    ::setenv("OMP_WAIT_POLICY", "passive", /*overwrite=*/0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

bool succeeded(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::size_t lines(const fs::path& file) {
  const std::string text = test::read_file(file);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

/// `crackkd --log-level debug … run …`: the per-step debug lines in its log tell
/// the test which step the run has reached.
std::vector<std::string> crackkd_run(const std::vector<std::string>& plugin_paths, const fs::path& pipeline,
                                     const fs::path& workdir, const fs::path& program = test::crackkd_binary()) {
  std::vector<std::string> args{program.string(), "--log-level", "debug"};
  for (const auto& p : plugin_paths) args.insert(args.end(), {"--plugin-path", p});
  args.insert(args.end(), {"run", pipeline.string(), "--workdir", workdir.string()});
  return args;
}

/// Starts `args` and kills it with SIGKILL as soon as it reports the step `marker`
/// ("train epoch 2/4 batch 2/"): mid-epoch, `finished_epochs` epochs saved and some steps
/// of the next one taken. A kill timed on resume.pt's appearance would land just after an
/// epoch ended; one timed by the clock would drift with the machine's load. Checks that
/// the run died unfinished and before the epoch's end wrote anything.
void kill_mid_epoch(const std::vector<std::string>& args, const fs::path& stage, const std::string& marker,
                    std::size_t finished_epochs) {
  const fs::path workdir = stage.parent_path().parent_path();
  const fs::path console = workdir / "killed-run-output.txt";
  fs::create_directories(workdir);
  const pid_t child = start(args, console);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  int status = 0;
  while (test::read_file(console).find(marker) == std::string::npos) {
    ASSERT_EQ(::waitpid(child, &status, WNOHANG), 0) << "the run ended before step '" << marker << "':\n"
                                                      << test::read_file(console);
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(child, SIGKILL);
  status = wait_for(child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";
  ASSERT_THAT(test::read_file(console), testing::HasSubstr(marker)) << "no step '" << marker << "' within 5 minutes";
  ASSERT_FALSE(fs::exists(stage / "stage.done"));
  ASSERT_TRUE(fs::exists(stage / "resume.pt"));
  // Mid-epoch: the killed epoch added no metrics row (written before its resume.pt).
  ASSERT_EQ(lines(stage / "metrics.csv"), 1 + finished_epochs) << test::read_file(stage / "metrics.csv");
}

/// Every parameter of the two checkpoints is equal, bit for bit, and both are at `epoch`.
void expect_same_weights(const fs::path& a_file, const fs::path& b_file, std::int64_t epoch) {
  auto host = test::make_host();
  auto a = checkpoints::load_checkpoint(a_file, *host, c10::Device(c10::kCPU));
  auto b = checkpoints::load_checkpoint(b_file, *host, c10::Device(c10::kCPU));
  EXPECT_EQ(a.epoch, epoch);
  EXPECT_EQ(b.epoch, epoch);
  auto pa = a.model->named_parameters(), pb = b.model->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& p : pa) EXPECT_TRUE(p.value().equal(pb[p.key()])) << p.key();
}

}  // namespace

TEST(Resume, KilledRunResumesToBitIdenticalWeights) {
  test::TempDir dir;
  const auto file = dir.write("resume.toml", test::kPctDropPathPipeline);
  const std::vector<std::string> plugins{test::test_plugins("example").string()};

  ASSERT_TRUE(succeeded(wait_for(start(crackkd_run(plugins, file, dir.path / "whole")))));
  const fs::path whole = dir.path / "whole" / "resume" / "train";
  // 24 images in batches of 4: 6 steps an epoch, one steps.csv row each.
  EXPECT_EQ(lines(whole / "steps.csv"), 1 + 4 * 6u);
  EXPECT_THAT(test::read_file(whole / "steps.csv"), testing::StartsWith("epoch,step,lr,dice,total\n1,1,0.001,"));

  const fs::path stage = dir.path / "killed" / "resume" / "train";
  kill_mid_epoch(crackkd_run(plugins, file, dir.path / "killed"), stage, "train epoch 2/4 batch 2/", 1);
  ASSERT_FALSE(HasFailure());
  // As if a kill had also struck between epoch 2's steps.csv rows and its resume.pt, the
  // last row cut short: the resumed run must drop these rows, not repeat them.
  std::ofstream(stage / "steps.csv", std::ios::app) << "2,7,0.001,0.5,0.5\n2,8,0.00";

  ASSERT_TRUE(succeeded(wait_for(start(crackkd_run(plugins, file, dir.path / "killed")))));
  EXPECT_THAT(test::read_file(dir.path / "killed" / "resume" / "log.txt"),
              testing::HasSubstr("train: resuming after epoch 1 (step 6)"));
  EXPECT_FALSE(fs::exists(stage / "resume.pt"));  // removed once the stage finished

  expect_same_weights(whole / "checkpoint.pt", stage / "checkpoint.pt", 4);
  // The metrics of the resumed run list every epoch once; its steps every step once, with
  // the very losses of the uninterrupted run.
  EXPECT_EQ(lines(stage / "metrics.csv"), 5u);
  EXPECT_EQ(test::read_file(stage / "steps.csv"), test::read_file(whole / "steps.csv"));
}

TEST(Resume, KilledDistillationResumesToBitIdenticalWeights) {
  test::TempDir dir;
  const auto file = dir.write("distill.toml", kDistillPipeline);
  const std::vector<std::string> plugins{test::test_plugins("example").string()};

  ASSERT_TRUE(succeeded(wait_for(start(crackkd_run(plugins, file, dir.path / "whole")))));
  const fs::path whole = dir.path / "whole" / "distill_resume" / "distill";
  EXPECT_THAT(test::read_file(whole / "steps.csv"),
              testing::StartsWith("epoch,step,lr,feature1,feature2,feature3,feature4,logits,dice,total,"
                                         "share_feature1,share_feature2,share_feature3,share_feature4,"
                                         "share_logits,share_dice\n"));
  EXPECT_EQ(lines(whole / "steps.csv"), 1 + 3 * 5u);

  const fs::path stage = dir.path / "killed" / "distill_resume" / "distill";
  kill_mid_epoch(crackkd_run(plugins, file, dir.path / "killed"), stage, "distill epoch 2/3 batch 2/", 1);
  ASSERT_FALSE(HasFailure());

  ASSERT_TRUE(succeeded(wait_for(start(crackkd_run(plugins, file, dir.path / "killed")))));
  const std::string log = test::read_file(dir.path / "killed" / "distill_resume" / "log.txt");
  EXPECT_THAT(log, testing::HasSubstr("stage teacher (train) is up to date, skipped"));
  EXPECT_THAT(log, testing::HasSubstr("distill: resuming after epoch 1"));
  EXPECT_FALSE(fs::exists(stage / "resume.pt"));

  // Connectors not restored, or the teacher's batch or noise drawn differently, would
  // change the student's last steps.
  expect_same_weights(whole / "checkpoint.pt", stage / "checkpoint.pt", 3);
  EXPECT_EQ(test::read_file(stage / "steps.csv"), test::read_file(whole / "steps.csv"));
}

// Rebuilding or installing CrackKD changes its files, not what a finished epoch or stage
// computed: a run resumes with another build (warning that bit-identity needs the same
// build), and its finished stages stay finished.
TEST(Resume, AnotherBuildResumesAndKeepsFinishedStages) {
  test::TempDir dir;
  const auto file = dir.write("resume.toml", test::kPctDropPathPipeline);
  const fs::path binary = test::crackkd_binary();
  const fs::path rebuilt = dir.path / "bin" / "crackkd";  // the same program, other bytes
  fs::create_directories(rebuilt.parent_path());
  fs::copy_file(binary, rebuilt);
  std::ofstream(rebuilt, std::ios::app) << '\0';
  const std::string first_party = (binary.parent_path().parent_path() / "lib" / "crackkd" / "plugins").string();
  const std::vector<std::string> plugins{test::test_plugins("example").string(), first_party};
  const fs::path stage = dir.path / "resume" / "train";
  kill_mid_epoch(crackkd_run(plugins, file, dir.path, binary), stage, "train epoch 2/4 batch 2/", 1);
  ASSERT_FALSE(HasFailure());

  ASSERT_TRUE(succeeded(wait_for(start(crackkd_run(plugins, file, dir.path, rebuilt)))));
  const std::string log = test::read_file(dir.path / "resume" / "log.txt");
  EXPECT_THAT(log, testing::HasSubstr("resuming after epoch"));
  EXPECT_THAT(log, testing::HasSubstr("written by another build"));
  EXPECT_THAT(log, testing::Not(testing::HasSubstr("starting afresh")));

  ASSERT_TRUE(succeeded(wait_for(start(crackkd_run(plugins, file, dir.path, binary)))));
  EXPECT_THAT(test::read_file(dir.path / "resume" / "log.txt"),
              testing::HasSubstr("is up to date, skipped (--force train reruns it); it was made by another build"));
}
