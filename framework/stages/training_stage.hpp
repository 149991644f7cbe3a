#pragma once
// What the training stages (`train`, `distill`) share as stages: their options checked
// and added to the plan, and what their `run` builds from the stage context before the
// loop (training/fit.hpp) takes over: the stage as the loop sees it, the model a stream
// starts from, and the validation data.

#include "stages/stage.hpp"
#include "stages/stage_kind_of.hpp"
#include "training/fit.hpp"
#include "training/training_options.hpp"

namespace crackkd::stages {

/// The stage as the training loop sees it.
training::FitStage fit_stage(const StageContext& ctx);

/// The random stream of a training stage: its `stream`, else the stage's name.
std::string stream_of(const StageContext& ctx, const training::TrainingOptions& o);
/// The model a training stage starts from, created on `device` right after torch's
/// generator is seeded for `stream`, so its initial weights depend on the pipeline seed,
/// the stream and the model alone: paired stages of one model start alike. With
/// `init_from` set, the weights are that checkpoint's (checkpoints/initial_weights.hpp).
std::shared_ptr<SegmentationModel> initial_model(StageContext& ctx, const std::string& stream,
                                                 const ComponentConfig& config, c10::Device device,
                                                 const std::string& init_from = "");
/// The dataset scored after every epoch (`validate_on`), or null.
std::shared_ptr<Dataset> validation_data(StageContext& ctx, const training::TrainingOptions& o);

/// The result files of a training stage: checkpoint.pt, metrics.csv and steps.csv, and
/// best.pt with validation.
template <class O> std::vector<typename StageKindOf<O>::Result> training_results() {
  return {{results::kCheckpoint, "", {}},
          {results::kMetrics, "", {}},
          {results::kSteps, "", {}},
          {results::kBest, "with validate_on", [](const O& o) { return !o.validate_on.empty(); }}};
}

/// Checks the shared options' references (data, validate_on, noise_mix's noises) and
/// components (augment), mixed precision against `device` (the stage's), and adds them to
/// `plan`.
void plan_training_options(const training::TrainingOptions& o, const std::string& device,
                           const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                           host::PluginHost& host, StagePlan& plan);

/// Checks each term's plugin and options and adds it to the stage's components.
void plan_weighted_loss(const WeightedComponents& terms, host::PluginHost& host, StagePlan& plan);

}  // namespace crackkd::stages
