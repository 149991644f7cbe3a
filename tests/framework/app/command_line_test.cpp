// The command line's grammar: what a launcher hands its workers.

#include "app/command_line.hpp"

#include <gtest/gtest.h>

namespace {

std::vector<std::string> workers_get(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return crackkd::app::worker_arguments(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST(CommandLine, WorkersGetEveryArgumentButTheLaunchOptionsInOrder) {
  EXPECT_EQ(workers_get({"crackkd", "--log-level", "debug", "run", "p.toml", "--nproc", "2", "--set", "a.b=1",
                         "--master=127.0.0.1:29500", "--nnodes", "1", "--node-rank=0", "--workdir", "w"}),
            (std::vector<std::string>{"--log-level", "debug", "run", "p.toml", "--set", "a.b=1", "--workdir", "w"}));
}

TEST(CommandLine, ALaunchOptionsValueIsCheckedOnce) {
  EXPECT_THROW(workers_get({"crackkd", "run", "p.toml", "--nproc", "0"}), CLI::ValidationError);
}
