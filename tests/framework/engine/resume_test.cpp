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
  const pid_t child = start(run(dir.path / "killed"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!fs::exists(stage / "resume.pt") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(child, SIGKILL);
  const int killed = wait_for(child);
  ASSERT_TRUE(WIFSIGNALED(killed)) << "the run finished before it could be killed";
  ASSERT_FALSE(fs::exists(stage / "stage.done"));

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
  std::ifstream metrics(stage / "metrics.csv");
  std::string text((std::istreambuf_iterator<char>(metrics)), std::istreambuf_iterator<char>());
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5);
}
