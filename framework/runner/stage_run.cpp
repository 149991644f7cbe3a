#include "runner/stage_run.hpp"

#include "io/content_hash.hpp"
#include "runner/fingerprint.hpp"

#include <spdlog/spdlog.h>

#include <fstream>

namespace crackkd::runner {

namespace fs = std::filesystem;

namespace {

std::string replicate_fingerprint(const stages::StageContext& base, const stages::Replicate& r) {
  return io::content_hash(base.fingerprint + "\nreplicate " + std::to_string(r.seed));
}

}  // namespace

StageDecision decide_stage(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, host::PluginHost& host,
                           const fs::path& run_dir, const std::set<std::string>& force, const std::string& name) {
  const auto& stage_plan = plan.stages.at(name);
  const fs::path done = run_dir / name / results::kStageDone;
  StageDecision d;
  d.fingerprint = stage_fingerprint(pipeline, pipeline.stages.at(name), stage_plan, host, run_dir);
  d.done_fingerprint = done_fingerprint(d.fingerprint, stage_plan, pipeline.options);
  d.forced = force.count(name) > 0;
  if (d.forced || !fs::exists(done)) return d;
  const StageDone previous = read_stage_done(done);
  d.previous_build = previous.build;
  d.runs = previous.fingerprint != d.done_fingerprint;
  return d;
}

void log_up_to_date(const std::string& name, const std::string& kind, const StageDecision& decision,
                    const std::string& build) {
  spdlog::info("stage {} ({}) is up to date, skipped (--force {} reruns it){}", name, kind, name,
               decision.previous_build == build ? "" : "; it was made by another build of crackkd or of its plugins");
}

bool replicate_finished(const stages::StageContext& base, const stages::Replicate& r) {
  return read_stage_done(base.out_dir / r.folder / results::kReplicateDone).fingerprint == replicate_fingerprint(base, r);
}

void run_replicate(const stages::StageKind& kind, const stages::StageContext& base, const stages::Replicate& r, bool writer) {
  pipeline::Pipeline seeded = base.pipeline;
  seeded.options.seed = r.seed;
  stages::StageContext ctx{seeded,     base.stage, base.host,         base.run_dir, base.out_dir / r.folder,
                   replicate_fingerprint(base, r),
                   base.build, r.folder,   base.run_progress, base.plan,    base.group, base.plans};
  const fs::path done = ctx.out_dir / results::kReplicateDone;
  if (writer) {
    fs::create_directories(ctx.out_dir);
    fs::remove(done);
  }
  kind.run(ctx);
  if (writer) std::ofstream(done) << ctx.fingerprint << "\n";
}

void write_stage_done(const fs::path& out_dir, const std::string& done_fingerprint, const std::string& build) {
  std::ofstream(out_dir / results::kStageDone) << done_fingerprint << "\n" << new_run_id() << "\n" << build << "\n";
}

}  // namespace crackkd::runner
