// Stage kind `train`: supervised training of one model on one dataset.
//
//   [stages.train]
//   kind        = "train"
//   model       = "unet"              # a [models.*] name
//   data        = "train"             # a [datasets.*] name
//   validate_on = "val"               # a dataset scored after every epoch ("" = none)
//   loss        = { plugin = "dice" }
//   epochs      = 10
//   batch_size  = 2
//   lr          = 1e-3                # AdamW, the seed paper's recipe
//   augment     = [{ plugin = "hflip" }, { plugin = "color_jitter" }]
//   noise_mix   = { clean = 2, noisy = 1, noises = ["salt", "pepper", "blur", "texture"] }
//   workers     = 1                   # loader threads building batches ahead
//
// Writes checkpoint.pt (after every epoch, atomically), best.pt (best validation mDS)
// and metrics.csv (one row per epoch).

#include "data/batching.hpp"
#include "engine/stage.hpp"
#include "engine/training_loop.hpp"
#include "engine/training_options.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/loss.hpp>
#include <crackkd/rng.hpp>

#include <spdlog/spdlog.h>
#include <torch/torch.h>


namespace crackkd::engine {

namespace {

struct TrainOptions : TrainingOptions {
  std::string model;
  ComponentConfig loss{"dice", Params("loss", {}), {}};

  static void declare(OptionSchema<TrainOptions>& s) {
    s.required("model", &TrainOptions::model, "the [models.*] entry to train");
    s.optional("loss", &TrainOptions::loss, "the loss").kind("loss");
    declare_training_options(s);
  }
};

class TrainStage : public StageKind {
 public:
  const char* name() const override { return "train"; }
  const char* doc() const override { return "Train a model on a dataset with a loss and AdamW; writes checkpoint.pt, best.pt and metrics.csv"; }
  std::vector<OptionInfo> options() const override { return describe_options<TrainOptions>(); }

  StagePlan plan(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost& host) const override {
    const auto o = parse_options<TrainOptions>(stage.params);
    require_reference(stage, "model", o.model, pipeline.models, "model");
    host.validate("loss", o.loss);
    StagePlan plan;
    plan.components = {{"model", pipeline.models.at(o.model)}, {"loss", o.loss}};
    plan_training_options(o, stage, pipeline, host, plan);
    return plan;
  }

  void run(StageContext& ctx) const override {
    const auto o = parse_options<TrainOptions>(ctx.stage.params);
    const auto device = resolve_device(o.device, ctx.pipeline);
    const auto& model_config = ctx.pipeline.models.at(o.model);
    torch::manual_seed(stage_seed(ctx.pipeline.options.seed, ctx.stage.name));
    auto model = ctx.host.create<SegmentationModel>("model", model_config);
    model->to(device);
    TrainingData training(ctx, o.data, o.augment, o.noise_mix);
    std::shared_ptr<Dataset> validation;
    if (!o.validate_on.empty()) validation = ctx.host.create<Dataset>("dataset", ctx.pipeline.datasets.at(o.validate_on));
    auto loss = ctx.host.create<Loss>("loss", o.loss);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay));
    spdlog::info("train {}: model.{} on {} ({} images), {} epochs, batch {}, {}", ctx.stage.name, model_config.plugin,
                 o.data, training.images(), o.epochs, o.batch_size, device.str());
    fit(ctx, *model, model_config, training, validation.get(), optimizer, device, o.fit(), [&](const Batch& batch) {
      return LossTerms{{o.loss.plugin, loss->compute(data::forward_padded(*model, batch.images).logits, batch.masks)}};
    });
  }
};

}  // namespace

std::unique_ptr<StageKind> make_train_stage() { return std::make_unique<TrainStage>(); }

}  // namespace crackkd::engine
