// Data-parallel training on c10d/Gloo over loopback: two ranks end with the weights of a
// single-process run over the same global batch, and a killed rank stops the run with an
// error naming it.

#include "checkpoints/checkpoint.hpp"
#include "free_port.hpp"
#include "report/csv_table.hpp"
#include "test_support.hpp"

#include <crackkd/model.hpp>

#include <gmock/gmock.h>
#include <torch/torch.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace {

const char* kPipeline = R"([pipeline]
name = "dp"
seed = 3

[datasets.train]
plugin = "synthetic_cracks"
count = 11
size = 64

[models.net]
plugin = "pct"
channels = [8, 16, 16, 16]
mlp_ratio = [2, 2, 2, 2]
decoder_width = 16

[stages.train]
kind = "train"
model = "net"
data = "train"
epochs = 2
batch_size = 2
augment = [{ plugin = "hflip" }, { plugin = "color_jitter" }]
noise_mix = { clean = 2, noisy = 1, noises = ["salt"] }

[noises]
salt = { plugin = "salt" }
)";

/// Starts crackkd with `args`, stdout and stderr into `log`; returns its pid.
pid_t start(const std::vector<std::string>& args, const fs::path& log) {
  const std::string binary = crackkd::test::crackkd_binary().string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::unsetenv("RANK");
    ::unsetenv("WORLD_SIZE");
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// The child of `parent` whose environment has RANK=`rank`, or 0.
pid_t worker(pid_t parent, int rank) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string pid, comm, state;
    pid_t ppid = 0;
    stat >> pid >> comm >> state >> ppid;
    if (ppid != parent) continue;
    const std::string environ = crackkd::test::read_file(entry.path() / "environ");
    if (environ.find(std::string("RANK=") + std::to_string(rank) + '\0') != std::string::npos &&
        environ.find("LOCAL_RANK=") != std::string::npos)
      return static_cast<pid_t>(std::stoi(name));
  }
  return 0;
}

}  // namespace

TEST(DataParallel, TwoRanksMatchOneProcessOverTheSameGlobalBatch) {
  crackkd::test::TempDir dir;
  const auto pipeline = dir.write("p.toml", kPipeline);
  const auto plugins = crackkd::test::first_party_plugins().string();
  const pid_t two = start({"--plugin-path", plugins, "run", pipeline.string(), "--workdir", (dir.path / "two").string(),
                           "--nproc", "2", "--master", "127.0.0.1:" + std::to_string(crackkd::test::free_port())},
                          dir.path / "two.log");
  ASSERT_EQ(wait_for(two), 0) << crackkd::test::read_file(dir.path / "two.log");
  EXPECT_THAT(crackkd::test::read_file(dir.path / "two.log"), HasSubstr("the 2 ranks end with identical weights"));
  const pid_t one = start({"--plugin-path", plugins, "run", pipeline.string(), "--workdir", (dir.path / "one").string(),
                           "--set", "stages.train.batch_size=4"},
                          dir.path / "one.log");
  ASSERT_EQ(wait_for(one), 0) << crackkd::test::read_file(dir.path / "one.log");

  auto host = crackkd::test::make_host();
  const auto a = crackkd::checkpoints::load_checkpoint(dir.path / "two/dp/train/checkpoint.pt", *host, torch::kCPU);
  const auto b = crackkd::checkpoints::load_checkpoint(dir.path / "one/dp/train/checkpoint.pt", *host, torch::kCPU);
  const auto pa = a.model->named_parameters(), pb = b.model->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  double worst = 0;
  for (const auto& p : pa) worst = std::max(worst, (p.value() - pb[p.key()]).abs().max().item<double>());
  EXPECT_LT(worst, 1e-5);
  // The logged losses are the global batch's too, not rank 0's share.
  const auto ma = crackkd::report::read_csv(dir.path / "two/dp/train/metrics.csv");
  const auto mb = crackkd::report::read_csv(dir.path / "one/dp/train/metrics.csv");
  ASSERT_EQ(ma.rows.size(), 2u);
  for (std::size_t r = 0; r < 2; ++r) {
    EXPECT_NEAR(ma.number(r, "train_loss"), mb.number(r, "train_loss"), 1e-5);
    EXPECT_EQ(ma.number(r, "step"), mb.number(r, "step"));
  }
}

TEST(DataParallel, AKilledRankStopsTheRunWithAnErrorNamingIt) {
  crackkd::test::TempDir dir;
  const auto pipeline = dir.write("p.toml", kPipeline);
  const pid_t launcher =
      start({"--plugin-path", crackkd::test::first_party_plugins().string(), "run", pipeline.string(), "--workdir",
             dir.path.string(), "--nproc", "2", "--master", "127.0.0.1:" + std::to_string(crackkd::test::free_port()), "--set",
             "stages.train.epochs=1000"},
            dir.path / "run.log");
  // Wait until both ranks train (the first epoch's metrics exist), then kill rank 1.
  pid_t victim = 0;
  for (int i = 0; i < 600 && !(victim && fs::exists(dir.path / "dp/train/metrics.csv")); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!victim) victim = worker(launcher, 1);
  }
  ASSERT_NE(victim, 0) << crackkd::test::read_file(dir.path / "run.log");
  ASSERT_TRUE(fs::exists(dir.path / "dp/train/metrics.csv")) << crackkd::test::read_file(dir.path / "run.log");
  ::kill(victim, SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  const int code = wait_for(launcher);
  EXPECT_LT(std::chrono::steady_clock::now() - killed, std::chrono::seconds(30));
  EXPECT_NE(code, 0);
  EXPECT_THAT(crackkd::test::read_file(dir.path / "run.log"), HasSubstr("rank 1 (pid " + std::to_string(victim) + ") was killed by signal 9"));
  EXPECT_EQ(worker(launcher, 0), 0);  // rank 0 is gone too
}

TEST(DataParallel, APortInUseIsOneClearLine) {
  crackkd::test::TempDir dir;
  const auto pipeline = dir.write("p.toml", kPipeline);
  const int taken = ::socket(AF_INET, SOCK_STREAM, 0);  // someone else's server on the port
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(taken, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(taken, 4), 0);
  socklen_t n = sizeof a;
  ::getsockname(taken, reinterpret_cast<sockaddr*>(&a), &n);
  const int port = ntohs(a.sin_port);
  const pid_t launcher = start({"--plugin-path", crackkd::test::first_party_plugins().string(), "run", pipeline.string(),
                                "--workdir", dir.path.string(), "--nproc", "2", "--master",
                                "127.0.0.1:" + std::to_string(port)},
                               dir.path / "run.log");
  EXPECT_NE(wait_for(launcher), 0);
  ::close(taken);
  const auto log = crackkd::test::read_file(dir.path / "run.log");
  EXPECT_THAT(log, HasSubstr("rank 0 cannot listen on 127.0.0.1:" + std::to_string(port)));
  EXPECT_THAT(log, HasSubstr("is the port in use?"));
}
