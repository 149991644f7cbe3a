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

#include <crackkd/dataset.hpp>
#include <crackkd/loss.hpp>
#include <crackkd/rng.hpp>

#include <spdlog/spdlog.h>
#include <torch/torch.h>


namespace crackkd::engine {

namespace {

struct TrainOptions {
  std::string model;
  std::string data;
  std::string validate_on;
  ComponentConfig loss{"dice", Params("loss", {}), {}};
  std::int64_t epochs = 10;
  std::int64_t batch_size = 2;
  double lr = 1e-3;
  double weight_decay = 1e-2;
  double threshold = 0.5;
  std::string device = "pipeline";
  std::vector<std::string> after;
  std::vector<ComponentConfig> augment;
  Params noise_mix;
  std::int64_t workers = 1;
  std::int64_t prefetch = 4;

  static void declare(OptionSchema<TrainOptions>& s) {
    s.required("model", &TrainOptions::model, "the [models.*] entry to train");
    s.required("data", &TrainOptions::data, "the [datasets.*] entry to train on");
    s.optional("validate_on", &TrainOptions::validate_on,
               "a [datasets.*] entry scored (mDS, mIoU) after every epoch; \"\" = no validation");
    s.optional("loss", &TrainOptions::loss, "the loss").kind("loss");
    s.optional("epochs", &TrainOptions::epochs, "passes over the data").in_range(1, 1e6);
    s.optional("batch_size", &TrainOptions::batch_size, "images per optimiser step").in_range(1, 4096);
    s.optional("lr", &TrainOptions::lr, "AdamW learning rate").in_range(0.0, 10.0);
    s.optional("weight_decay", &TrainOptions::weight_decay, "AdamW decoupled weight decay").in_range(0.0, 10.0);
    s.optional("threshold", &TrainOptions::threshold, "probability above which a pixel counts as crack in validation")
        .in_range(0.0, 1.0);
    s.optional("device", &TrainOptions::device, "pipeline = the [pipeline] device").one_of({"pipeline", "auto", "cpu", "cuda"});
    s.optional("after", &TrainOptions::after, "stages that must finish first");
    s.optional("augment", &TrainOptions::augment, "transforms applied to every training sample, in order")
        .kind("array of transform");
    s.optional("noise_mix", &TrainOptions::noise_mix,
               "{ clean, noisy, noises, intensity }: noisy extra copies beside the clean images; {} = clean only");
    s.optional("workers", &TrainOptions::workers, "loader threads building batches ahead (0 = in the training loop)")
        .in_range(0, 64);
    s.optional("prefetch", &TrainOptions::prefetch, "batches the loader may build ahead").in_range(1, 256);
  }
};

class TrainStage : public StageKind {
 public:
  const char* name() const override { return "train"; }
  const char* doc() const override { return "Train a model on a dataset with a loss and AdamW; writes checkpoint.pt and metrics.csv"; }
  std::vector<OptionInfo> options() const override { return describe_options<TrainOptions>(); }

  StagePlan plan(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost& host) const override {
    const auto o = parse_options<TrainOptions>(stage.params);
    require_reference(stage, "model", o.model, pipeline.models, "model");
    require_reference(stage, "data", o.data, pipeline.datasets, "dataset");
    StagePlan plan;
    plan.components = {{"model", pipeline.models.at(o.model)}, {"dataset", pipeline.datasets.at(o.data)}, {"loss", o.loss}};
    if (!o.validate_on.empty()) {
      require_reference(stage, "validate_on", o.validate_on, pipeline.datasets, "dataset");
      plan.components.emplace_back("dataset", pipeline.datasets.at(o.validate_on));
    }
    host.validate("loss", o.loss);
    for (std::size_t i = 0; i < o.after.size(); ++i) require_reference(stage, "after", o.after[i], pipeline.stages, "stage", i);
    plan_training_data(stage, pipeline, host, o.augment, o.noise_mix, plan);
    plan.depends_on = o.after;
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
    FitOptions fit_options{o.epochs, o.batch_size, o.workers, o.prefetch, o.threshold};
    fit(ctx, *model, model_config, training, validation.get(), optimizer, device, fit_options, [&](const Batch& batch) {
      return LossTerms{{o.loss.plugin, loss->compute(data::forward_padded(*model, batch.images).logits, batch.masks)}};
    });
  }
};

}  // namespace

std::unique_ptr<StageKind> make_train_stage() { return std::make_unique<TrainStage>(); }

}  // namespace crackkd::engine
