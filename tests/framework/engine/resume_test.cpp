// Exact resume: a run killed with SIGKILL mid-training and started again ends with the
// same weights, bit for bit, as a run that was never interrupted.

#include "engine/checkpoint.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>
#include <torch/torch.h>

#include <chrono>
#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace crackkd;
namespace fs = std::filesystem;

namespace {

// PCT with stochastic depth: the resumed run must also restore torch's generator.
const char* kPipeline = R"([pipeline]
name = "resume"
seed = 3
device = "cpu"

[datasets.train]
plugin = "synthetic_cracks"
count = 24
size = 64

[models.pct]
plugin = "pct"
depths = [1, 1, 1, 1]
drop_path = 0.3

[stages.train]
kind = "train"
model = "pct"
data = "train"
epochs = 4
batch_size = 4
augment = [{ plugin = "hflip" }]
)";

pid_t start(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::freopen("/dev/null", "w", stdout);
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

/// Starts `args`, kills it with SIGKILL once `stage` holds a resume.pt, and checks it died unfinished.
void kill_mid_training(const std::vector<std::string>& args, const fs::path& stage) {
  const pid_t child = start(args);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!fs::exists(stage / "resume.pt") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(child, SIGKILL);
  const int killed = wait_for(child);
  ASSERT_TRUE(WIFSIGNALED(killed)) << "the run finished before it could be killed";
  ASSERT_FALSE(fs::exists(stage / "stage.done"));
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST(Resume, KilledRunResumesToBitIdenticalWeights) {
  test::TempDir dir;
  const auto file = dir.write("resume.toml", kPipeline);
  const std::string binary = test::crackkd_binary().string();
  const std::string plugins = test::test_plugins("example").string();
  auto run = [&](const fs::path& workdir) {
    return std::vector<std::string>{binary, "--plugin-path", plugins, "run", file.string(), "--workdir", workdir.string()};
  };

  const int whole = wait_for(start(run(dir.path / "whole")));
  ASSERT_TRUE(WIFEXITED(whole) && WEXITSTATUS(whole) == 0);

  const fs::path stage = dir.path / "killed" / "resume" / "train";
  kill_mid_training(run(dir.path / "killed"), stage);
  ASSERT_FALSE(HasFailure());

  const int resumed = wait_for(start(run(dir.path / "killed")));
  ASSERT_TRUE(WIFEXITED(resumed) && WEXITSTATUS(resumed) == 0);
  EXPECT_FALSE(fs::exists(stage / "resume.pt"));  // removed once the stage finished

  auto host = test::make_host();
  auto a = engine::load_checkpoint(dir.path / "whole" / "resume" / "train" / "checkpoint.pt", *host, c10::Device(c10::kCPU));
  auto b = engine::load_checkpoint(stage / "checkpoint.pt", *host, c10::Device(c10::kCPU));
  EXPECT_EQ(a.epoch, 4);
  EXPECT_EQ(b.epoch, 4);
  auto pa = a.model->named_parameters(), pb = b.model->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& p : pa) EXPECT_TRUE(p.value().equal(pb[p.key()])) << p.key();
  // The metrics of the resumed run list every epoch once.
  const std::string metrics = read_text(stage / "metrics.csv");
  EXPECT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 5);
}

// Rebuilding or installing CrackKD changes its files, not what a finished epoch or stage
// computed: a run resumes with another build (warning that bit-identity needs the same
// build), and its finished stages stay finished.
TEST(Resume, AnotherBuildResumesAndKeepsFinishedStages) {
  test::TempDir dir;
  const auto file = dir.write("resume.toml", kPipeline);
  const fs::path binary = test::crackkd_binary();
  const fs::path rebuilt = dir.path / "bin" / "crackkd";  // the same program, other bytes
  fs::create_directories(rebuilt.parent_path());
  fs::copy_file(binary, rebuilt);
  std::ofstream(rebuilt, std::ios::app) << '\0';
  const std::string plugins = test::test_plugins("example").string();
  const std::string first_party = (binary.parent_path().parent_path() / "lib" / "crackkd" / "plugins").string();
  auto run = [&](const fs::path& program) {
    return std::vector<std::string>{program.string(), "--plugin-path", plugins, "--plugin-path", first_party,
                                    "run",            file.string(),   "--workdir",     dir.path.string()};
  };
  const fs::path stage = dir.path / "resume" / "train";
  kill_mid_training(run(binary), stage);
  ASSERT_FALSE(HasFailure());

  const int resumed = wait_for(start(run(rebuilt)));
  ASSERT_TRUE(WIFEXITED(resumed) && WEXITSTATUS(resumed) == 0);
  const std::string log = read_text(dir.path / "resume" / "log.txt");
  EXPECT_THAT(log, testing::HasSubstr("resuming after epoch"));
  EXPECT_THAT(log, testing::HasSubstr("written by another build"));
  EXPECT_THAT(log, testing::Not(testing::HasSubstr("starting afresh")));

  const int again = wait_for(start(run(binary)));
  ASSERT_TRUE(WIFEXITED(again) && WEXITSTATUS(again) == 0);
  EXPECT_THAT(read_text(dir.path / "resume" / "log.txt"),
              testing::HasSubstr("is up to date, skipped (--force train reruns it); it was made by another build"));
}
