#include "stages/training_stage.hpp"

#include "checkpoints/initial_weights.hpp"
#include "runtime/device.hpp"
#include "training/training_data.hpp"

#include <spdlog/spdlog.h>

namespace crackkd::stages {

training::FitStage fit_stage(const StageContext& ctx) {
  return {ctx.stage.name, ctx.out_dir, ctx.run_dir, ctx.fingerprint, ctx.build, ctx.group, ctx.run_progress};
}

std::string stream_of(const StageContext& ctx, const training::TrainingOptions& o) {
  return o.stream.empty() ? ctx.stage.name : o.stream;
}

std::shared_ptr<SegmentationModel> initial_model(StageContext& ctx, const std::string& stream,
                                                 const ComponentConfig& config, c10::Device device,
                                                 const std::string& init_from) {
  torch::manual_seed(data::stream_seed(ctx.pipeline.options.seed, stream));
  auto model = ctx.host.create<SegmentationModel>("model", config);
  model->to(device);
  if (!init_from.empty()) {
    const auto start = checkpoints::copy_initial_weights(init_from, *model, config, ctx.host, device);
    spdlog::info("{}: starts from the weights of {} (model.{}, epoch {}{})", ctx.stage.name, init_from, config.plugin,
                 start.epoch, start.trained_by.empty() ? "" : ", trained by " + start.trained_by);
  }
  return model;
}

std::shared_ptr<Dataset> validation_data(StageContext& ctx, const training::TrainingOptions& o) {
  if (o.validate_on.empty()) return nullptr;
  return ctx.host.create<Dataset>("dataset", ctx.pipeline.datasets.at(o.validate_on));
}

void plan_training_options(const training::TrainingOptions& o, const pipeline::StageConfig& stage,
                           const pipeline::Pipeline& pipeline, host::PluginHost& host, StagePlan& plan) {
  require_reference(stage, "data", o.data, pipeline.datasets, "dataset");
  if (o.amp && !runtime::resolve_device(o.device, pipeline).is_cuda())
    throw ConfigError(stage.params.at("amp").where,
                      "stages." + stage.name + ".amp: mixed precision needs a CUDA device; this stage runs on the CPU "
                      "(set amp = false, or run where CUDA is present)");
  if (o.warmup_epochs > o.epochs)
    throw ConfigError(stage.params.at("warmup_epochs").where,
                      "stages." + stage.name + ".warmup_epochs: " + std::to_string(o.warmup_epochs) +
                          " warm-up epochs exceed the stage's " + std::to_string(o.epochs) + " epochs");
  plan.epochs = o.epochs;
  plan.capabilities = {Capability::WritesCheckpoint, Capability::RunsPerSeed, Capability::DataParallel};
  plan.writes = {results::kCheckpoint, results::kMetrics, results::kSteps};
  if (!o.validate_on.empty()) plan.writes.push_back(results::kBest);
  plan.components.emplace_back("dataset", pipeline.datasets.at(o.data));
  if (!o.validate_on.empty()) {
    require_reference(stage, "validate_on", o.validate_on, pipeline.datasets, "dataset");
    plan.components.emplace_back("dataset", pipeline.datasets.at(o.validate_on));
  }
  for (std::size_t i = 0; i < o.after.size(); ++i) require_reference(stage, "after", o.after[i], pipeline.stages, "stage", i);
  plan.depends_on.insert(plan.depends_on.end(), o.after.begin(), o.after.end());
  plan_training_data(stage, pipeline, host, o.augment, o.noise_mix, plan);
  if (!o.init_from.empty()) {  // its bytes join the fingerprint: a replaced file reruns the stage
    require_input_file(stage, "init_from", o.init_from);
    plan.input_files.push_back(o.init_from);
  }
  plan.batches = StagePlan::Batches{o.data, o.batch_size, o.augment};
}


void plan_training_data(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                        host::PluginHost& host, const std::vector<ComponentConfig>& augment, const Params& noise_mix,
                        StagePlan& plan) {
  for (const auto& t : augment) {
    host.validate("transform", t);
    plan.components.emplace_back("transform", t);
  }
  if (noise_mix.entries().empty()) return;
  const auto mix = parse_options<training::NoiseMixOptions>(noise_mix);
  for (std::size_t i = 0; i < mix.noises.size(); ++i) {
    if (pipeline.noises.count(mix.noises[i])) {
      plan.components.emplace_back("noise", pipeline.noises.at(mix.noises[i]));
      continue;
    }
    std::vector<std::string> known;
    for (const auto& [k, v] : pipeline.noises) known.push_back(k);
    throw ConfigError(noise_mix.at("noises").array[i].where,
                      "stages." + stage.name + ".noise_mix.noises: undefined noise '" + mix.noises[i] + "'" +
                          did_you_mean(mix.noises[i], known) + (known.empty() ? " (the pipeline has no [noises.*])" : ""));
  }
}

void plan_weighted_loss(const WeightedComponents& terms, host::PluginHost& host, StagePlan& plan) {
  for (const auto& term : terms) {
    host.validate("loss", term.component);
    plan.components.emplace_back("loss", term.component);
  }
}

}  // namespace crackkd::stages
