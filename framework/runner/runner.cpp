#include "runner/runner.hpp"

#include "distributed/process_group.hpp"
#include "io/run_lock.hpp"
#include "runner/parallel_run.hpp"
#include "runner/stage_run.hpp"
#include "runtime/interrupt.hpp"
#include "runtime/log_file.hpp"
#include "runtime/run_progress.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <set>

namespace crackkd::runner {

namespace fs = std::filesystem;

namespace {

/// `decide` on this process, or rank 0's answer on every rank of a data-parallel run.
bool agreed(distributed::ProcessGroup* group, const std::string& topic, const std::function<bool()>& decide) {
  if (!group) return decide();
  return group->agree(topic, [&] { return std::string(decide() ? "yes" : "no"); }) == "yes";
}

/// A run of a validated pipeline. In a data-parallel run rank 0 decides which stages run
/// and alone writes; the other ranks join its data-parallel stages and skip the rest.
class PipelineRun {
 public:
  PipelineRun(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
              const RunOptions& options)
      : pipeline_(pipeline), plan_(plan), host_(host), options_(options),
        run_dir_(options.workdir / pipeline.options.name), group_(options.group),
        main_(!group_ || group_->is_main()), progress_(forecast()) {}

  RunSummary run();

 private:
  runtime::RunProgress forecast() const;
  StageDecision decide(const std::string& name) const {
    return decide_stage(pipeline_, plan_, host_, run_dir_, options_.force, name);
  }
  void run_stage(const std::string& name, const StageDecision& decision);
  void run_replicates(const stages::StageKind& kind, stages::StageContext& base, bool keep_finished = true);

  const pipeline::Pipeline& pipeline_;
  const PipelinePlan& plan_;
  host::PluginHost& host_;
  const RunOptions& options_;
  fs::path run_dir_;
  distributed::ProcessGroup* group_;
  bool main_;
  runtime::RunProgress progress_;
};

/// The stages as the run's progress counts them, each marked as expected to run or to be
/// skipped: a stage runs when forced, never finished, changed, or after a stage that runs.
runtime::RunProgress PipelineRun::forecast() const {
  std::vector<runtime::RunProgress::Stage> stages;
  std::set<std::string> running;
  for (const auto& name : plan_.order) {
    const auto& stage_plan = plan_.stages.at(name);
    bool runs = decide(name).runs;
    for (const auto& dep : stage_plan.depends_on) runs = runs || running.count(dep);
    if (runs) running.insert(name);
    const bool per_seed = stage_plan.can(stages::Capability::RunsPerSeed);
    const std::size_t replicates = per_seed ? std::max<std::size_t>(1, pipeline_.options.seeds.size()) : 1;
    stages.push_back({name, pipeline_.stages.at(name).kind, static_cast<double>(stage_plan.epochs), replicates, runs});
  }
  return runtime::RunProgress(std::move(stages));
}

/// Runs a stage: once, or a stage that runs per seed once per replicate (stage.hpp). On
/// the other ranks of a data-parallel run `base.out_dir` is not written.
void PipelineRun::run_replicates(const stages::StageKind& kind, stages::StageContext& base, bool keep_finished) {
  if (!base.plan->can(stages::Capability::RunsPerSeed) || pipeline_.options.seeds.empty()) return kind.run(base);
  const auto all = stages::replicates(pipeline_.options);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& r = all[i];
    if (keep_finished &&
        agreed(group_, "replicate " + base.stage.name + " " + r.folder, [&] { return replicate_finished(base, r); })) {
      if (main_) spdlog::info("stage {}: seed {} was finished before, kept", base.stage.name, r.seed);
      continue;
    }
    if (main_) spdlog::info("stage {}: seed {} ({} of {})", base.stage.name, r.seed, i + 1, all.size());
    if (base.run_progress) base.run_progress->start_replicate(i);
    run_replicate(kind, base, r, main_);
  }
}

void PipelineRun::run_stage(const std::string& name, const StageDecision& decision) {
  const auto& stage = pipeline_.stages.at(name);
  const auto& stage_plan = plan_.stages.at(name);
  const fs::path out_dir = run_dir_ / name;
  const bool joined = stage_plan.can(stages::Capability::DataParallel);
  const std::string build = build_fingerprint(stage_plan, host_);
  // The ranks of a data-parallel stage run under rank 0's fingerprint.
  const std::string fingerprint =
      group_ && joined ? group_->agree("fingerprint " + name, [&] { return decision.fingerprint; }) : decision.fingerprint;
  stages::StageContext context{pipeline_, stage, host_, run_dir_, out_dir, fingerprint, build, "", nullptr, &stage_plan, group_, &plan_.stages};
  if (!main_) return joined ? run_replicates(*stages::find_stage_kind(stage.kind), context, !decision.forced) : void();
  context.run_progress = &progress_;
  fs::create_directories(out_dir);
  fs::remove(out_dir / results::kStageDone);
  spdlog::info("stage {} ({}) starts [{}]", name, stage.kind, progress_.status());
  const auto started = std::chrono::steady_clock::now();
  try {
    run_replicates(*stages::find_stage_kind(stage.kind), context, !decision.forced);
  } catch (const std::exception& e) {
    spdlog::error("stage {} failed: {}", name, e.what());  // also into log.txt, before the sink goes
    throw;
  }
  write_stage_done(out_dir, decision.done_fingerprint, build);
  spdlog::info("stage {} finished in {:.1f} s; outputs in {}", name,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), out_dir.string());
}

RunSummary PipelineRun::run() {
  std::unique_ptr<io::RunLock> lock;
  std::unique_ptr<runtime::LogFile> log;
  if (main_) {
    lock = std::make_unique<io::RunLock>(run_dir_);
    log = std::make_unique<runtime::LogFile>(run_dir_ / "log.txt");
    spdlog::info("pipeline {} ({}): {} stages into {}{}", pipeline_.options.name, pipeline_.file.string(),
                 plan_.order.size(), run_dir_.string(),
                 group_ ? " on " + std::to_string(group_->world_size()) + " ranks" : "");
  }
  RunSummary summary{run_dir_, {}, {}};
  for (std::size_t index = 0; index < plan_.order.size(); ++index) {
    const auto& name = plan_.order[index];
    progress_.start_stage(index);
    // Ctrl-C during a stage without steps to stop at (a benchmark) stops before the next
    // one. Ranks of a data-parallel run agree on stopping inside training steps only: here
    // one rank could stop while another already waits for it.
    if (!group_)
      runtime::throw_if_interrupted("pipeline " + pipeline_.options.name + " before stage " + name +
                           " (run the same command again to go on)");
    StageDecision decision;
    const bool runs = agreed(group_, "stage " + name, [&] { return (decision = decide(name)).runs; });
    if (!runs && main_)
      log_up_to_date(name, pipeline_.stages.at(name).kind, decision, build_fingerprint(plan_.stages.at(name), host_));
    if (runs) run_stage(name, decision);
    progress_.end_stage();
    (runs ? summary.ran : summary.skipped).push_back(name);
  }
  return summary;
}

}  // namespace

RunSummary run_pipeline(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
                        const RunOptions& options) {
  if (!options.job.empty()) return run_job(pipeline, plan, host, options);
  if (options.jobs > 1 && !options.group) return run_side_by_side(pipeline, plan, host, options);
  return PipelineRun(pipeline, plan, host, options).run();
}

}  // namespace crackkd::runner
