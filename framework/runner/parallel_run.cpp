#include "runner/parallel_run.hpp"

#include "io/run_lock.hpp"
#include "io/worker_process.hpp"
#include "runner/job_scheduler.hpp"
#include "runner/job_threads.hpp"
#include "runner/jobs_progress.hpp"
#include "runner/stage_run.hpp"
#include "runtime/interrupt.hpp"
#include "runtime/log_file.hpp"

#include <crackkd/error.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace crackkd::runner {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

class SideBySideRun {
 public:
  SideBySideRun(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
                const RunOptions& options)
      : pipeline_(pipeline), plan_(plan), host_(host), options_(options),
        run_dir_(options.workdir / pipeline.options.name), scheduler_(static_cast<std::size_t>(options.jobs)),
        progress_(static_cast<std::size_t>(options.jobs)), program_(io::this_executable()) {}

  RunSummary run();

 private:
  enum class State { Waiting, Running, Done, Failed };
  struct StageState {
    State state = State::Waiting;
    StageDecision decision;
    std::string build;
    std::size_t jobs_left = 0;
    Clock::time_point started;
  };
  struct Worker {
    std::size_t job;
    int output, input;
    std::string pending;  // output not yet a whole line
    std::string failure;  // what the worker said went wrong
  };

  std::vector<stages::Replicate> replicates_of(const std::string& name) const {
    return runner::replicates_of(pipeline_, plan_, name);
  }
  void forecast();
  void open_ready_stages();
  void open_stage(const std::string& name);
  void finish_stage(const std::string& name);
  void start_jobs();
  void watch();
  void read_output(Worker& worker);
  void ended(pid_t pid, int status);
  void log_status();

  const pipeline::Pipeline& pipeline_;
  const PipelinePlan& plan_;
  host::PluginHost& host_;
  const RunOptions& options_;
  fs::path run_dir_;
  JobScheduler scheduler_;
  JobsProgress progress_;
  std::string program_;
  std::map<std::string, StageState> stages_;
  std::map<pid_t, Worker> workers_;
  RunSummary summary_;
  std::string failure_;  // the first failed job's line
  bool forwarded_ = false;
  Clock::time_point last_status_ = Clock::now();
};

/// Every job the run may have, for the ETA: a stage after one that runs runs too.
void SideBySideRun::forecast() {
  for (const auto& name : plan_.order)
    for (const auto& r : replicates_of(name))
      progress_.add(Job{name, r.folder}.label(), pipeline_.stages.at(name).kind,
                    static_cast<double>(plan_.stages.at(name).epochs));
}

void SideBySideRun::open_ready_stages() {
  for (bool opened = true; opened;) {
    opened = false;
    for (const auto& name : plan_.order) {
      if (stages_[name].state != State::Waiting) continue;
      const auto& after = plan_.stages.at(name).depends_on;
      if (std::all_of(after.begin(), after.end(), [&](const std::string& d) { return stages_[d].state == State::Done; })) {
        open_stage(name);
        opened = true;
      }
    }
  }
}

/// Decides the stage (the stages it reads have finished) and queues the jobs it runs.
void SideBySideRun::open_stage(const std::string& name) {
  auto& s = stages_[name];
  const auto& stage = pipeline_.stages.at(name);
  const auto& stage_plan = plan_.stages.at(name);
  s.decision = decide_stage(pipeline_, plan_, host_, run_dir_, options_.force, name);
  s.build = build_fingerprint(stage_plan, host_);
  if (!s.decision.runs) {
    log_up_to_date(name, stage.kind, s.decision, s.build);
    for (const auto& r : replicates_of(name)) progress_.finished(Job{name, r.folder}.label());
    s.state = State::Done;
    summary_.skipped.push_back(name);
    return;
  }
  const fs::path out_dir = run_dir_ / name;
  fs::create_directories(out_dir);
  fs::remove(out_dir / results::kStageDone);
  spdlog::info("stage {} ({}) is ready", name, stage.kind);
  s.state = State::Running;
  s.started = Clock::now();
  const stages::StageContext base{pipeline_, stage, host_, run_dir_, out_dir, s.decision.fingerprint, s.build, "",
                          nullptr,   &stage_plan, nullptr,  &plan_.stages};
  for (const auto& r : replicates_of(name)) {
    const Job job{name, r.folder, stage.kind, static_cast<double>(stage_plan.epochs),
                  stage_plan.shared_cache.empty() ? "" : stage_plan.shared_cache + " " + r.folder,
                  stage_plan.runs_alone};
    if (!r.folder.empty() && !s.decision.forced && replicate_finished(base, r)) {
      spdlog::info("stage {}: seed {} was finished before, kept", name, r.seed);
      progress_.finished(job.label());
      continue;
    }
    scheduler_.add(job);
    ++s.jobs_left;
  }
  if (s.jobs_left == 0) finish_stage(name);
}

void SideBySideRun::finish_stage(const std::string& name) {
  auto& s = stages_[name];
  write_stage_done(run_dir_ / name, s.decision.done_fingerprint, s.build);
  s.state = State::Done;
  summary_.ran.push_back(name);
  spdlog::info("stage {} finished in {:.1f} s; outputs in {}", name, seconds_since(s.started), (run_dir_ / name).string());
}

void SideBySideRun::start_jobs() {
  while (const auto index = scheduler_.start_next()) {
    const Job& job = scheduler_.job(*index);
    const int threads = job_threads(pipeline_, plan_, job, options_.jobs);
    std::map<std::string, std::string> environment;
    // Workers share the cores: OpenMP threads that spin while they wait would take them
    // from each other (the variable is read when a process starts, so it is set here).
    if (!std::getenv("OMP_WAIT_POLICY")) environment["OMP_WAIT_POLICY"] = "passive";
    const auto process = io::start_worker(program_, options_.worker_arguments(job.id(), threads), environment,
                                          /*capture_output=*/true, "the worker of " + job.label());
    ::fcntl(process.output, F_SETFL, ::fcntl(process.output, F_GETFL) | O_NONBLOCK);
    workers_[process.pid] = Worker{*index, process.output, process.input, "", ""};
    progress_.started(job.label());
    spdlog::info("{} starts (worker {}, {} thread{}) [{}]", job.label(), process.pid, threads, threads > 1 ? "s" : "",
                 progress_.status());
  }
}

void SideBySideRun::read_output(Worker& worker) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(worker.output, buffer, sizeof buffer);
    if (n <= 0) break;  // nothing more now (EAGAIN) or ever (0)
    worker.pending.append(buffer, static_cast<std::size_t>(n));
  }
  const std::string label = scheduler_.job(worker.job).label();
  for (auto end = worker.pending.find('\n'); end != std::string::npos; end = worker.pending.find('\n')) {
    const std::string line = worker.pending.substr(0, end);
    worker.pending.erase(0, end + 1);
    if (line.rfind(worker_report::kEpochs, 0) == 0)
      progress_.epochs_done(label, std::atof(line.c_str() + std::strlen(worker_report::kEpochs)));
    else if (line.rfind(worker_report::kFailed, 0) == 0)
      worker.failure = line.substr(std::strlen(worker_report::kFailed));
    else
      std::fputs((line + "\n").c_str(), stdout);  // a plugin's own output, passed on
  }
}

/// One round of watching: the workers' reports, a signal to pass on, workers that ended.
void SideBySideRun::watch() {
  std::vector<pollfd> outputs;
  for (const auto& [pid, w] : workers_) outputs.push_back({w.output, POLLIN, 0});
  ::poll(outputs.data(), outputs.size(), 200);
  for (auto& [pid, w] : workers_) read_output(w);
  if (const int signal = runtime::interrupt_signal(); signal && !forwarded_) {
    for (const auto& [pid, w] : workers_) ::kill(pid, signal);
    forwarded_ = true;
  }
  std::vector<std::pair<pid_t, int>> exits;
  for (const auto& [pid, w] : workers_) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) exits.emplace_back(pid, status);
  }
  for (const auto& [pid, status] : exits) ended(pid, status);
  if (seconds_since(last_status_) >= 60) log_status();
}

void SideBySideRun::ended(pid_t pid, int status) {
  Worker w = workers_.at(pid);
  read_output(w);  // what it wrote before it ended
  ::close(w.output);
  ::close(w.input);
  workers_.erase(pid);
  const Job job = scheduler_.job(w.job);
  const bool succeeded = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  const bool stopped = forwarded_ && WIFEXITED(status) && WEXITSTATUS(status) > 128;  // as asked
  scheduler_.finish(w.job, succeeded);
  auto& stage = stages_[job.stage];
  if (succeeded) {
    progress_.finished(job.label());
    spdlog::info("{} finished [{}]", job.label(), progress_.status());
    if (--stage.jobs_left == 0) finish_stage(job.stage);
    return;
  }
  if (stopped) return spdlog::info("{} stopped; its resume state is saved", job.label());
  stage.state = State::Failed;
  const std::string line =
      "stage " + job.label() + " failed: " + (w.failure.empty() ? "its worker " + io::describe_exit(status) : w.failure);
  spdlog::error("{}{}", line, workers_.empty() ? "" : "; no job starts after it, the running ones finish");
  if (failure_.empty()) failure_ = line;
}

void SideBySideRun::log_status() {
  last_status_ = Clock::now();
  spdlog::info("pipeline {}: {}", pipeline_.options.name, progress_.status());
}

RunSummary SideBySideRun::run() {
  io::RunLock lock(run_dir_);
  runtime::LogFile log(run_dir_ / "log.txt");
  spdlog::info("pipeline {} ({}): {} stages into {}, up to {} jobs side by side", pipeline_.options.name,
               pipeline_.file.string(), plan_.order.size(), run_dir_.string(), options_.jobs);
  summary_.run_dir = run_dir_;
  forecast();
  for (;;) {
    if (failure_.empty() && !runtime::interrupt_signal()) {
      open_ready_stages();
      start_jobs();
    }
    if (workers_.empty()) break;
    watch();
  }
  if (const int signal = runtime::interrupt_signal())
    throw runtime::Interrupted(signal, "pipeline " + pipeline_.options.name + ": stopped by " + runtime::signal_name(signal) +
                                  "; every job saved its state (run the same command again to go on)");
  if (!failure_.empty())
    throw Error(failure_ + " (the stages and seeds that finished are kept; the same command goes on from there)");
  return summary_;
}

}  // namespace

RunSummary run_side_by_side(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
                            const RunOptions& options) {
  if (!options.worker_arguments) throw Error("a side-by-side run needs its workers' command line");
  return SideBySideRun(pipeline, plan, host, options).run();
}

}  // namespace crackkd::runner
