#pragma once
// Runs a validated pipeline: stages in dependency order, each into
// <workdir>/<pipeline>/<stage>/. A stage whose fingerprint (its config, its components'
// configs, declared plugin versions and inputs, the seed, the device, and the runs of the
// stages it reads) equals that of its last finished run is skipped. The build (host
// binary and plugin libraries) is recorded beside it but does not rerun a stage:
// rebuilding or installing CrackKD keeps finished work; a plugin author bumps the
// plugin's version when what it computes changes, and `--force NAME` reruns a stage
// after a change to code whose version was not bumped.

#include "runner/fingerprint.hpp"
#include "runner/plan.hpp"

#include <filesystem>
#include <functional>
#include <set>

namespace crackkd::runner {

struct RunOptions {
  std::filesystem::path workdir = "runs";
  distributed::ProcessGroup* group = nullptr;  ///< the ranks of a data-parallel run, or null
  std::set<std::string> force;  ///< stage names to rerun regardless of their fingerprint
  /// Jobs run side by side, each in a worker process (parallel_run.hpp); 1 = one stage
  /// after another in this process.
  int jobs = 1;
  /// With jobs > 1: the arguments of `crackkd` that run job `id` as a worker with
  /// `threads` LibTorch threads (the CLI knows its own flags).
  std::function<std::vector<std::string>(const std::string& id, int threads)> worker_arguments;
  /// In a worker: the one job to run ("nkd/seed-2", "evaluate"); its parent holds the run.
  std::string job;
};

struct RunSummary {
  std::filesystem::path run_dir;
  std::vector<std::string> ran;
  std::vector<std::string> skipped;
};

/// Runs the pipeline: in this process, side by side (options.jobs > 1), or one job of it
/// in a worker (options.job).
RunSummary run_pipeline(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
                        const RunOptions& options);

}  // namespace crackkd::runner
