#pragma once
// What the one-process runner (runner.cpp) and the parallel one (parallel_run.cpp) share:
// whether a stage runs, one replicate of a stage run per seed, and the files a finished
// stage and a finished replicate leave (stage.done, replicate.done).

#include "runner/plan.hpp"

#include <filesystem>
#include <set>
#include <string>

namespace crackkd::runner {

struct StageDecision {
  bool runs = true;
  bool forced = false;  ///< --force: every replicate runs again, finished or not
  std::string fingerprint, done_fingerprint, previous_build;
};

/// Whether stage `name` runs: forced, never finished, or finished with another fingerprint. Its
/// fingerprint reads the runs of the stages it reads: decide after they finished.
StageDecision decide_stage(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
                           const std::filesystem::path& run_dir, const std::set<std::string>& force,
                           const std::string& name);

/// "stage NAME (KIND) is up to date, skipped …", saying when another build made it.
void log_up_to_date(const std::string& name, const std::string& kind, const StageDecision& decision,
                    const std::string& build);

/// Whether replicate `r` of the stage `base` runs finished with the stage's fingerprint.
bool replicate_finished(const stages::StageContext& base, const stages::Replicate& r);

/// Runs replicate `r` of the stage `base` runs: into base.out_dir / r.folder, with the
/// pipeline's seed set to r's, then leaves replicate.done. Only a `writer` (not the other
/// ranks of a data-parallel run) touches the folder.
void run_replicate(const stages::StageKind& kind, const stages::StageContext& base, const stages::Replicate& r, bool writer);

/// Marks the stage in `out_dir` finished with `done_fingerprint`, under a new run id.
void write_stage_done(const std::filesystem::path& out_dir, const std::string& done_fingerprint, const std::string& build);

}  // namespace crackkd::runner
