// `crackkd run PIPELINE --nproc N [--nnodes M --node-rank R --master ADDR:PORT]`: starts
// N worker processes of this executable on this host, ranks R·N … R·N + N − 1 of M·N,
// with torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), and
// watches them: when one fails or dies, it names that rank, stops the others (SIGTERM,
// then SIGKILL after 10 s) and exits non-zero. The run then resumes like any interrupted
// one: `crackkd run` again continues after the last finished epoch.

#include "app/commands.hpp"
#include "io/worker_process.hpp"
#include "runtime/interrupt.hpp"

#include <crackkd/error.hpp>

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace crackkd::app {


std::pair<std::string, int> parse_master(const std::string& master) {
  const auto colon = master.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw ConfigError({"--master " + master, 0, 0}, "--master: expected ADDR:PORT, got '" + master + "'");
  char* end = nullptr;
  const long port = std::strtol(master.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 1 || port > 65535)
    throw ConfigError({"--master " + master, 0, 0}, "--master: '" + master.substr(colon + 1) + "' is not a port");
  return {master.substr(0, colon), static_cast<int>(port)};
}

namespace {

struct Worker {
  int rank, local, world;
  std::string address;
  int port;
};

/// Starts one worker with its rank in the environment; returns its pid.
pid_t start_worker(const std::string& exe, const Worker& w, const std::vector<std::string>& worker_args) {
  std::map<std::string, std::string> environment{{"RANK", std::to_string(w.rank)},
                                                 {"WORLD_SIZE", std::to_string(w.world)},
                                                 {"LOCAL_RANK", std::to_string(w.local)},
                                                 {"MASTER_ADDR", w.address},
                                                 {"MASTER_PORT", std::to_string(w.port)}};
  // c10d's own warnings repeat what our errors say.
  if (!std::getenv("GLOG_minloglevel")) environment["GLOG_minloglevel"] = "3";
  return io::start_worker(exe, worker_args, environment, /*capture_output=*/false, "worker " + std::to_string(w.rank))
      .pid;
}

/// Stops every running worker: SIGTERM now, SIGKILL for whatever still runs in 10 s.
void stop_workers(const std::map<pid_t, int>& ranks) {
  for (const auto& [other, r] : ranks) ::kill(other, SIGTERM);
  std::thread([pids = ranks] {
    std::this_thread::sleep_for(std::chrono::seconds(10));
    for (const auto& [other, r] : pids) ::kill(other, SIGKILL);
  }).detach();
}

/// Waits for the workers; forwards a SIGINT/SIGTERM the launcher gets, and stops the
/// others when one fails. Returns the first failure ("" when none) and whether a signal
/// was forwarded.
std::pair<std::string, bool> supervise(std::map<pid_t, int> ranks) {
  std::string failure;
  bool forwarded = false;
  while (!ranks.empty()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid == 0) {
      // A SIGINT/SIGTERM sent to the launcher alone reaches every worker, which stop at
      // one step and save their resume state (Ctrl-C in a terminal reaches them directly).
      if (const int signal = runtime::interrupt_signal(); signal && !forwarded) {
        for (const auto& [worker, r] : ranks) ::kill(worker, signal);
        forwarded = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) break;
    const auto found = ranks.find(pid);
    if (found == ranks.end()) continue;
    const int rank = found->second;
    ranks.erase(found);
    const bool stopped = forwarded && WIFEXITED(status) && WEXITSTATUS(status) > 128;  // as asked
    if ((WIFEXITED(status) && WEXITSTATUS(status) == 0) || stopped || !failure.empty()) continue;
    failure = "rank " + std::to_string(rank) + " (pid " + std::to_string(pid) + ") " + io::describe_exit(status);
    if (ranks.empty()) break;
    spdlog::error("{}; stopping the other {} rank{}", failure, ranks.size(), ranks.size() > 1 ? "s" : "");
    stop_workers(ranks);
  }
  return {failure, forwarded};
}

}  // namespace

int launch_workers(const LaunchArgs& launch, const std::vector<std::string>& worker_args) {
  const auto [address, port] = parse_master(launch.master);
  const int world = launch.nnodes * launch.nproc;
  if (launch.node_rank >= launch.nnodes)
    throw ConfigError({"--node-rank", 0, 0}, "--node-rank " + std::to_string(launch.node_rank) + " must be below --nnodes " +
                                                  std::to_string(launch.nnodes));
  const std::string exe = io::this_executable();
  std::map<pid_t, int> ranks;  // running workers
  for (int local = 0; local < launch.nproc; ++local) {
    const int rank = launch.node_rank * launch.nproc + local;
    ranks[start_worker(exe, {rank, local, world, address, port}, worker_args)] = rank;
  }
  spdlog::info("started {} worker processes (ranks {} … {} of {}), rendezvous at {}:{}", launch.nproc,
               launch.node_rank * launch.nproc, launch.node_rank * launch.nproc + launch.nproc - 1, world, address, port);
  const auto [failure, forwarded] = supervise(ranks);
  if (failure.empty() && !forwarded) return 0;
  if (failure.empty()) {
    std::fprintf(stderr, "stopped by %s; run the same command again to resume\n",
                 runtime::signal_name(runtime::interrupt_signal()).c_str());
    return 128 + runtime::interrupt_signal();
  }
  std::fprintf(stderr, "error: %s; the run stopped (crackkd run resumes it from the last checkpoint)\n", failure.c_str());
  return 1;
}

}  // namespace crackkd::app
