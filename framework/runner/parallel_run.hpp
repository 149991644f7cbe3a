#pragma once
// `crackkd run -j N`: stages, and the seeds of a stage run per seed, side by side. The
// parent process holds the run (its lock and log.txt), decides each stage once the stages
// it reads have finished (a stage's fingerprint holds their runs), and starts each job of a
// stage that runs as a worker process, `crackkd … run PIPELINE --job ID` (job_scheduler.hpp
// says which job starts when), with its share of the threads: `[pipeline] threads` when
// set, else the cores split over the jobs running, told again whenever a job starts or
// ends (every core for a job left alone, or one that runs alone). A worker runs
// its job exactly as the one-process runner would, resuming from its own resume state,
// logs with its job's name to stderr and log.txt, and tells the parent on its standard
// output how many epochs it has done (and why it failed). The parent writes stage.done
// when every job of a stage has finished and logs the run's progress and ETA.
// A SIGINT or SIGTERM reaches every worker once; each stops at its next step boundary and
// the next `crackkd run` resumes each. A failed job is named, no job starts after it, the
// running ones finish, and every finished result is kept.

#include "runner/runner.hpp"

#include <string>

namespace crackkd::runner {

RunSummary run_side_by_side(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
                            const RunOptions& options);

/// In a worker: runs `options.job` alone, reporting to its parent on standard output.
RunSummary run_job(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
                   const RunOptions& options);

/// A worker's log lines name its job: "[2026-12-07 10:00:00.000] [info] [nkd/seed-2] …".
inline std::string worker_log_pattern(const std::string& job) {
  return "[%Y-%m-%d %H:%M:%S.%e] [%l] [" + job + "] %v";
}

/// The lines a worker writes on its standard output: "epochs 3.25", "failed <message>".
namespace worker_report {
inline constexpr const char* kEpochs = "epochs ";
inline constexpr const char* kFailed = "failed ";
}  // namespace worker_report

}  // namespace crackkd::runner
