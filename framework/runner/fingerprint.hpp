#pragma once
// What decides whether a stage runs again. Its fingerprint hashes what it computes: the
// seed, the device, its options, its components' plugin names, declared versions, options
// and inputs, and the runs of the stages it reads. The code that computes it is kept
// apart (its build): a rebuilt or reinstalled host must not throw away hours of finished
// training, so a new build alone never reruns a stage; it is reported instead. A plugin's
// declared version (`crackkd_add_plugin(... VERSION x.y.z)`, CrackKD's own for the
// first-party ones) is how its author says that its results change, so a bumped version
// does rerun the stages that use it.

#include "stages/stage.hpp"

#include <filesystem>
#include <string>

namespace crackkd::runner {

struct StageDone {
  std::string fingerprint;  ///< done_fingerprint when the stage finished ("" when it never did)
  std::string run_id;  ///< what the stages reading it record: a rerun upstream reruns them
  std::string build;
};
StageDone read_stage_done(const std::filesystem::path& file);

/// The fingerprint of `stage` as `plan` resolved it, with the runs of the stages it reads
/// from `run_dir`.
std::string stage_fingerprint(const pipeline::Pipeline& pipeline, const pipeline::StageConfig& stage,
                              const stages::StagePlan& plan, host::PluginHost& host, const std::filesystem::path& run_dir);

/// What stage.done records: the fingerprint, and for a stage run per seed the seed list
/// too, so a changed list reruns it (each replicate's own fingerprint holds its seed only, so
/// replicates already finished are kept).
std::string done_fingerprint(const std::string& fingerprint, const stages::StagePlan& plan, const pipeline::PipelineOptions& options);

/// The code a stage runs: the host binary and its components' plugin libraries.
std::string build_fingerprint(const stages::StagePlan& plan, host::PluginHost& host);

/// A new run's id: a later stage that read this run knows when it was replaced.
std::string new_run_id();

}  // namespace crackkd::runner
