#pragma once
// Runs a validated pipeline: stages in dependency order, each into
// <workdir>/<pipeline>/<stage>/. A stage whose fingerprint (its config, its components'
// configs, declared plugin versions and inputs, the seed, the device, and the runs of the
// stages it reads) equals that of its last finished run is skipped. The build (host
// binary and plugin libraries) is recorded beside it but does not rerun a stage:
// rebuilding or installing CrackKD keeps finished work; a plugin author bumps the
// plugin's version when what it computes changes, and `--force NAME` reruns a stage
// after a change to code whose version was not bumped.

#include "engine/plan.hpp"
#include "engine/stage_print.hpp"

#include <filesystem>
#include <set>

namespace crackkd::engine {

struct RunOptions {
  std::filesystem::path workdir = "runs";
  distributed::ProcessGroup* group = nullptr;  ///< the ranks of a data-parallel run, or null
  std::set<std::string> force;  ///< stage names to rerun regardless of their fingerprint
};

struct RunSummary {
  std::filesystem::path run_dir;
  std::vector<std::string> ran;
  std::vector<std::string> skipped;
};

RunSummary run_pipeline(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
                        const RunOptions& options);

}  // namespace crackkd::engine
