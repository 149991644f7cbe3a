// Stage kind `train`: supervised training of one model on one dataset.
//
//   [stages.train]
//   kind        = "train"
//   model       = "unet"              # a [models.*] name
//   data        = "train"             # a [datasets.*] name
//   validate_on = "val"               # a dataset scored after every epoch ("" = none)
//   loss        = { plugin = "dice" }   # or [{ plugin = "dice", weight = 1 }, { plugin = "bce", weight = 0.5 }]
//   epochs      = 10
//   batch_size  = 2
//   lr          = 1e-3                # AdamW, the reference paper's recipe
//   augment     = [{ plugin = "hflip" }, { plugin = "color_jitter" }]
//   noise_mix   = { clean = 2, noisy = 1, noises = ["salt", "pepper", "blur", "texture"] }
//   workers     = 1                   # loader threads building batches ahead
//
// Writes checkpoint.pt (after every epoch, atomically), best.pt (best validation mDS)
// and metrics.csv (one row per epoch).

#include "data/batching.hpp"
#include "stages/stage.hpp"
#include "stages/stage_kind_of.hpp"
#include "stages/training_stage.hpp"
#include "training/fit.hpp"
#include "training/training_options.hpp"
#include "training/weighted_loss.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/rng.hpp>

#include <spdlog/spdlog.h>
#include <torch/torch.h>


namespace crackkd::stages {

namespace {

struct TrainOptions : CommonStageOptions, training::TrainingOptions {
  std::string model;

  static void declare(OptionSchema<TrainOptions>& s) {
    s.required("model", &TrainOptions::model, "the [models.*] entry to train");
    declare_training_options(s);
    declare_common(s);
  }
};

class TrainStage : public StageKindOf<TrainOptions> {
 public:
  const char* name() const override { return "train"; }
  const char* summary() const override { return "Train a model on a dataset with a loss and AdamW"; }
  std::vector<Result> results() const override { return training_results<TrainOptions>(); }

  StagePlan plan(const TrainOptions& o, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost& host) const override {
    require_reference(stage, "model", o.model, pipeline.models, "model");
    StagePlan plan;
    plan.components = {{"model", pipeline.models.at(o.model)}};
    plan.trained_model = o.model;
    plan_weighted_loss(o.loss, host, plan);
    plan_training_options(o, o.device, stage, pipeline, host, plan);
    return plan;
  }

  void run(StageContext& ctx, const TrainOptions& o) const override {
    const auto device = device_of(ctx, o);
    const auto& model_config = ctx.pipeline.models.at(o.model);
    auto model = initial_model(ctx, stream_of(ctx, o), model_config, device, o.init_from);
    training::TrainingData train_data(ctx.pipeline, ctx.host, stream_of(ctx, o), o.data, o.augment, o.noise_mix);
    const auto validation = validation_data(ctx, o);
    const training::WeightedLoss loss(ctx.host, o.loss);
    const auto optimizer = training::make_optimizer(model->parameters(), o);
    spdlog::info("train {}: model.{} on {} ({} images), {} epochs, batch {}, {}", ctx.stage.name, model_config.plugin,
                 o.data, train_data.images(), o.epochs, o.batch_size, device.str());
    training::fit(fit_stage(ctx), {*model, model_config, *optimizer}, {train_data, validation.get()}, device, o,
                  [&](const Batch& batch) {
                    const auto logits = data::forward_padded(*model, batch.images).logits;
                    return training::StepLoss{loss(logits, batch.masks), {logits}};
                  });
  }
};

}  // namespace

CRACKKD_STAGE_KIND(TrainStage, 10)

}  // namespace crackkd::stages
