// Stage kind `evaluate`: scores checkpoints on a dataset.
//
//   [stages.evaluate]
//   kind        = "evaluate"
//   models      = ["train"]          # stages whose checkpoint.pt to score
//   checkpoints = []                 # and/or checkpoint files
//   data        = "val"
//   threshold   = 0.5
//
// Writes scores.csv (model, checkpoint, images, mDS, mIoU) and per_image.csv (model,
// image, dice, iou). Images may differ in size: each is padded to the model's stride and
// its prediction cropped back.

#include "engine/checkpoint.hpp"
#include "engine/csv.hpp"
#include "engine/evaluation.hpp"
#include "engine/stage.hpp"

#include <crackkd/dataset.hpp>

#include <spdlog/spdlog.h>

namespace crackkd::engine {

namespace {

struct EvaluateOptions {
  std::vector<std::string> models;
  std::vector<std::string> checkpoints;
  std::string data;
  double threshold = 0.5;
  std::string device = "pipeline";
  std::vector<std::string> after;

  static void declare(OptionSchema<EvaluateOptions>& s) {
    s.optional("models", &EvaluateOptions::models, "stages whose checkpoint.pt to score (train stages)");
    s.optional("checkpoints", &EvaluateOptions::checkpoints, "checkpoint files to score, besides the stages'");
    s.required("data", &EvaluateOptions::data, "the [datasets.*] entry to score on");
    s.optional("threshold", &EvaluateOptions::threshold, "probability above which a pixel counts as crack")
        .in_range(0.0, 1.0);
    s.optional("device", &EvaluateOptions::device, "pipeline = the [pipeline] device").one_of({"pipeline", "auto", "cpu", "cuda"});
    s.optional("after", &EvaluateOptions::after, "stages that must finish first");
  }
};

const std::vector<std::string> kCheckpointStageKinds = {"train"};

class EvaluateStage : public StageKind {
 public:
  const char* name() const override { return "evaluate"; }
  const char* doc() const override { return "Score checkpoints on a dataset: mean Dice (mDS) and mean IoU; writes scores.csv"; }
  std::vector<OptionInfo> options() const override { return describe_options<EvaluateOptions>(); }

  StagePlan plan(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost&) const override {
    const auto o = parse_options<EvaluateOptions>(stage.params);
    if (o.models.empty() && o.checkpoints.empty())
      throw ConfigError(stage.where, "stages." + stage.name + ": give 'models' (stage names) or 'checkpoints' (files)");
    require_reference(stage, "data", o.data, pipeline.datasets, "dataset");
    StagePlan plan;
    plan.components = {{"dataset", pipeline.datasets.at(o.data)}};
    for (std::size_t i = 0; i < o.models.size(); ++i) {
      require_reference(stage, "models", o.models[i], pipeline.stages, "stage", i);
      const auto& kind = pipeline.stages.at(o.models[i]).kind;
      if (std::find(kCheckpointStageKinds.begin(), kCheckpointStageKinds.end(), kind) == kCheckpointStageKinds.end())
        throw ConfigError(stage.params.at("models").array[i].where,
                          "stages." + stage.name + ".models: stage '" + o.models[i] + "' is a " + kind +
                              " stage and writes no checkpoint");
    }
    for (std::size_t i = 0; i < o.after.size(); ++i) require_reference(stage, "after", o.after[i], pipeline.stages, "stage", i);
    plan.depends_on = o.models;
    plan.depends_on.insert(plan.depends_on.end(), o.after.begin(), o.after.end());
    return plan;
  }

  void run(StageContext& ctx) const override {
    const auto o = parse_options<EvaluateOptions>(ctx.stage.params);
    const auto device = resolve_device(o.device, ctx.pipeline);
    auto dataset = ctx.host.create<Dataset>("dataset", ctx.pipeline.datasets.at(o.data));
    std::vector<std::pair<std::string, std::filesystem::path>> targets;
    for (const auto& m : o.models) targets.emplace_back(m, ctx.stage_dir(m) / "checkpoint.pt");
    for (const auto& c : o.checkpoints) targets.emplace_back(std::filesystem::path(c).stem().string(), c);

    CsvWriter scores(ctx.out_dir / "scores.csv", {"model", "checkpoint", "images", "mDS", "mIoU"});
    CsvWriter per_image(ctx.out_dir / "per_image.csv", {"model", "image", "dice", "iou"});
    for (const auto& [label, file] : targets) {
      auto loaded = load_checkpoint(file, ctx.host, device);
      const auto means = evaluate_model(*loaded.model, *dataset, device, o.threshold, "evaluate " + label,
                                        [&, &label = label](const std::string& id, const metrics::ImageScore& s) {
                                          per_image.row(label, id, s.dice, s.iou);
                                        });
      scores.row(label, file.string(), means.images, means.mean_dice(), means.mean_iou());
      spdlog::info("evaluate {}: {} (model.{}, epoch {}) on {}: mDS {:.4f} mIoU {:.4f} over {} images",
                   ctx.stage.name, label, loaded.config.plugin, loaded.epoch, o.data, means.mean_dice(),
                   means.mean_iou(), means.images);
    }
  }
};

}  // namespace

std::unique_ptr<StageKind> make_evaluate_stage() { return std::make_unique<EvaluateStage>(); }

}  // namespace crackkd::engine
