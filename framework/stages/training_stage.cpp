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

namespace {

/// Checks `augment` (transform components) and `noise_mix`'s noises; appends their
/// components to `plan`.
void plan_training_data(const training::TrainingOptions& o, const pipeline::StageConfig& stage,
                        const pipeline::Pipeline& pipeline, host::PluginHost& host, StagePlan& plan) {
  for (const auto& t : o.augment) {
    host.validate("transform", t);
    plan.components.emplace_back("transform", t);
  }
  if (!o.noise_mix) return;
  const auto& noises = o.noise_mix->noises;
  for (std::size_t i = 0; i < noises.size(); ++i) {
    if (pipeline.noises.count(noises[i])) {
      plan.components.emplace_back("noise", pipeline.noises.at(noises[i]));
      continue;
    }
    std::vector<std::string> known;
    for (const auto& [k, v] : pipeline.noises) known.push_back(k);
    throw ConfigError(stage.params.at("noise_mix").table->at("noises").array[i].where,
                      "stages." + stage.name + ".noise_mix.noises: undefined noise '" + noises[i] + "'" +
                          did_you_mean(noises[i], known) + (known.empty() ? " (the pipeline has no [noises.*])" : ""));
  }
}

}  // namespace

void plan_training_options(const training::TrainingOptions& o, const std::string& device,
                           const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                           host::PluginHost& host, StagePlan& plan) {
  require_reference(stage, "data", o.data, pipeline.datasets, "dataset");
  if (o.amp && !runtime::resolve_device(device, pipeline).is_cuda())
    throw ConfigError(stage.params.at("amp").where,
                      "stages." + stage.name + ".amp: mixed precision needs a CUDA device; this stage runs on the CPU "
                      "(set amp = false, or run where CUDA is present)");
  if (o.warmup_epochs > o.epochs)
    throw ConfigError(stage.params.at("warmup_epochs").where,
                      "stages." + stage.name + ".warmup_epochs: " + std::to_string(o.warmup_epochs) +
                          " warm-up epochs exceed the stage's " + std::to_string(o.epochs) + " epochs");
  plan.epochs = o.epochs;
  plan.capabilities = {Capability::WritesCheckpoint, Capability::RunsPerSeed, Capability::DataParallel};
  plan.components.emplace_back("dataset", pipeline.datasets.at(o.data));
  if (!o.validate_on.empty()) {
    require_reference(stage, "validate_on", o.validate_on, pipeline.datasets, "dataset");
    plan.components.emplace_back("dataset", pipeline.datasets.at(o.validate_on));
  }
  plan_training_data(o, stage, pipeline, host, plan);
  if (!o.init_from.empty()) {  // its bytes join the fingerprint: a replaced file reruns the stage
    require_input_file(stage, "init_from", o.init_from);
    plan.input_files.push_back(o.init_from);
  }
  plan.batches = StagePlan::Batches{o.data, o.batch_size, o.augment};
}


void plan_weighted_loss(const WeightedComponents& terms, host::PluginHost& host, StagePlan& plan) {
  for (const auto& term : terms) {
    host.validate("loss", term.component);
    plan.components.emplace_back("loss", term.component);
  }
}

}  // namespace crackkd::stages
