// A worker of a side-by-side run (parallel_run.hpp): one job, reported to the parent.

#include "runner/fingerprint.hpp"
#include "runner/parallel_run.hpp"
#include "runner/stage_run.hpp"
#include "runtime/interrupt.hpp"
#include "runtime/log_file.hpp"
#include "runtime/run_progress.hpp"

#include <crackkd/error.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace crackkd::runner {

namespace fs = std::filesystem;

namespace {

/// One line to the parent, whole (stdout is a pipe: a line under PIPE_BUF is one write).
void tell_parent(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

/// The replicate named by the job's "/seed-<s>", or none for a whole stage.
std::optional<stages::Replicate> job_replicate(const pipeline::Pipeline& pipeline, const stages::StagePlan& plan,
                                       const std::string& job, const std::string& folder) {
  const bool per_seed = plan.can(stages::Capability::RunsPerSeed) && !pipeline.options.seeds.empty();
  if (!per_seed && folder.empty()) return std::nullopt;
  for (const auto& r : stages::replicates(pipeline.options))
    if (per_seed && r.folder == folder) return r;
  throw Error("--job " + job + ": no such job in pipeline " + pipeline.options.name);
}

}  // namespace

RunSummary run_job(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
                   const RunOptions& options) {
  const auto slash = options.job.find('/');
  const std::string name = options.job.substr(0, slash);
  const std::string folder = slash == std::string::npos ? "" : options.job.substr(slash + 1);
  if (!plan.stages.count(name)) throw Error("--job " + options.job + ": no stage '" + name + "' in " + pipeline.file.string());
  const auto& stage = pipeline.stages.at(name);
  const auto& stage_plan = plan.stages.at(name);
  const auto replicate = job_replicate(pipeline, stage_plan, options.job, folder);
  const fs::path run_dir = options.workdir / pipeline.options.name;
  runtime::LogFile log(run_dir / "log.txt");
  spdlog::set_pattern(worker_log_pattern(options.job));  // the new sink too

  runtime::RunProgress progress({{name, stage.kind, static_cast<double>(stage_plan.epochs), 1, true}});
  progress.start_stage(0);
  progress.report_to([last = -1.0](double epochs) mutable {
    if (epochs - last < 0.01) return;  // a line per 1 % of an epoch is plenty
    last = epochs;
    char line[64];
    std::snprintf(line, sizeof line, "%s%.4f", worker_report::kEpochs, epochs);
    tell_parent(line);
  });
  const StageDecision decision = decide_stage(pipeline, plan, host, run_dir, {}, name);
  stages::StageContext context{pipeline, stage, host, run_dir, run_dir / name, decision.fingerprint,
                       build_fingerprint(stage_plan, host), "", &progress, &stage_plan, nullptr,
                               &plan.stages};
  try {
    const stages::StageKind& kind = *stages::find_stage_kind(stage.kind);
    if (replicate) run_replicate(kind, context, *replicate, /*writer=*/true);
    else kind.run(context);
  } catch (const runtime::Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", options.job, e.what());
    std::string message = e.what();
    std::replace(message.begin(), message.end(), '\n', ' ');
    tell_parent(worker_report::kFailed + message);
    throw;
  }
  return {run_dir, {name}, {}};
}

}  // namespace crackkd::runner
