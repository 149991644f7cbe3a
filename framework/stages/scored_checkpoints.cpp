#include "stages/scored_checkpoints.hpp"

#include "checkpoints/checkpoint_labels.hpp"

namespace crackkd::stages {

void plan_scored(const ScoredCheckpointsOptions& o, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 StagePlan& plan, const std::string& file, const std::string& preferred) {
  if (o.models.empty() && o.checkpoints.empty())
    throw ConfigError(stage.where, "stages." + stage.name + ": give 'models' (stage names) or 'checkpoints' (files)");
  for (std::size_t i = 0; i < o.models.size(); ++i) {
    read_result_of(stage, "models", o.models[i], file, pipeline, plan, i);
    plan.reads.back().preferred = preferred;
  }
  for (std::size_t i = 0; i < o.checkpoints.size(); ++i) require_input_file(stage, "checkpoints", o.checkpoints[i], i);
  checkpoints::checkpoint_labels(stage, o.checkpoints, o.labels, o.models);
  plan.input_files.insert(plan.input_files.end(), o.checkpoints.begin(), o.checkpoints.end());
}

std::vector<ScoredCheckpoint> scored_checkpoints(const StageContext& ctx, const ScoredCheckpointsOptions& o,
                                                 bool first_seed_only) {
  std::vector<ScoredCheckpoint> out;
  auto runs = replicates(ctx.pipeline.options);
  if (first_seed_only) runs.resize(1);
  for (const auto& m : o.models)
    for (const auto& r : runs)
      out.push_back({m, r.folder.empty() ? "" : std::to_string(r.seed), ctx.model_of(m, r.folder), m});
  const auto labels = checkpoints::checkpoint_labels(ctx.stage, o.checkpoints, o.labels, o.models);
  for (std::size_t i = 0; i < o.checkpoints.size(); ++i) out.push_back({labels[i], "", o.checkpoints[i], ""});
  return out;
}

checkpoints::LoadedModel load_scored(const StageContext& ctx, const ScoredCheckpoint& c, c10::Device device) {
  checkpoints::LoadedModel loaded = checkpoints::load_checkpoint(c.file, ctx.host, device);
  if (!c.stage.empty()) require_model_of_stage(ctx, loaded, c.file, c.stage);
  return loaded;
}

}  // namespace crackkd::stages
