// Stage kind `evaluate`: scores checkpoints on a dataset.
//
//   [stages.evaluate]
//   kind        = "evaluate"
//   models      = ["train"]          # stages whose checkpoint to score
//   checkpoint  = "last"             # the last epoch's, or "best" (best validation mDS)
//   checkpoints = []                 # and/or checkpoint files
//   labels      = []                 # their names in the results (checkpoints/checkpoint_labels.hpp)
//   data        = "val"
//   threshold   = 0.5
//   noises      = ["salt", "pepper", "blur", "texture"]     # [noises.*] names (optional)
//   levels      = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]            # intensities
//   examples    = 4                  # images in the qualitative figures (0 = none)
//   example_level = 0.4              # the noise intensity those figures show
//   tolerance   = 2.0                # pixels (or, with tolerance_of = "diagonal", times the diagonal)
//   centerline_tolerance = 4.0       # pixels, for clIoU
//   min_crack_area = 0               # pixels: smaller predicted specks are no crack on a crack-free image
//   bootstrap   = 1000               # resamples for the 95 % intervals (0 = none)
//   choose_threshold = "none"        # "ods" or "fixed": record a threshold beside each checkpoint
//
// Writes scores.csv (model, seed, checkpoint, images, mDS, mIoU, and the data set's
// precision, recall and F1 at the threshold, ODS with its threshold, OIS and AP from a
// sweep of thresholds 0.01..0.99: metrics/precision_recall.hpp; the same within the
// tolerance, clDice, clIoU, boundary F1 and the crack-free images' figures:
// metrics/image_measures.hpp; and each figure's bootstrap interval over images, columns
// <figure>_low and <figure>_high: metrics/dataset_measures.hpp) and per_image.csv (model,
// seed, image, dice, iou, precision, recall, F1, and the same within the tolerance,
// clDice, clIoU, BF) on clean images, and with noises robustness.csv (model, seed, noise,
// level, mDS, mIoU, images, F1, ODS, OIS, AP, F1_tol, ODS_tol, OIS_tol, AP_tol, clDice,
// clIoU, BF): one row per model, noise and level. With [pipeline]
// seeds every seed's replicate of a stage is scored (one row each, `seed` telling them
// apart; the report gives mean ± std); `seed` is empty for checkpoint files. A corrupted
// image depends only on (pipeline seed, noise name, level, image), so every model sees
// the very same input.
// With choose_threshold, each scored checkpoint gets <stem>.threshold.toml beside it (the
// ODS threshold on this stage's data, or `threshold`), which `crackkd infer` and
// `crackkd export` then use for it (inference/chosen_threshold.hpp); written last, after
// every result of the stage.
// Images may differ in size: each is padded to the model's stride and its prediction
// cropped back; consecutive images of one size are scored in one batch. Also writes
// examples_clean.png and, per noise, examples_<noise>.png: a few images with their truth
// and each model's prediction (evaluation/example_figures.hpp).

#include "data/batching.hpp"
#include "evaluation/evaluation.hpp"
#include "evaluation/example_figures.hpp"
#include "evaluation/measure_columns.hpp"
#include "evaluation/robustness.hpp"
#include "inference/chosen_threshold.hpp"
#include "io/csv_writer.hpp"
#include "metrics/dataset_measures.hpp"
#include "stages/scored_checkpoints.hpp"
#include "stages/stage.hpp"
#include "stages/stage_kind_of.hpp"
#include "training/training_data.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/noise.hpp>

#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include <optional>

namespace crackkd::stages {

namespace {

struct EvaluateOptions : ScoredCheckpointsOptions {
  std::string data;
  double threshold = 0.5;
  std::vector<std::string> noises;
  std::vector<double> levels = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5};
  std::string checkpoint = "last";
  std::int64_t examples = 4;
  double example_level = 0.4;
  double tolerance = 2.0;
  std::string tolerance_of = "pixels";
  double centerline_tolerance = 4.0;
  std::int64_t min_crack_area = 0;
  std::int64_t bootstrap = 1000;
  std::string choose_threshold = "none";

  metrics::MeasureOptions measure_options() const {
    metrics::MeasureOptions m;
    m.threshold = threshold;
    m.tolerance = {tolerance, tolerance_of == "diagonal"};
    m.centerline_tolerance = centerline_tolerance;
    m.min_crack_area = min_crack_area;
    return m;
  }

  static void declare(OptionSchema<EvaluateOptions>& s) {
    declare_scored(s, "score");
    s.optional("checkpoint", &EvaluateOptions::checkpoint,
               "which checkpoint of each stage: last, or best (best validation mDS; biased when scored on that same split)")
        .one_of({"best", "last"});
    s.required("data", &EvaluateOptions::data, "the [datasets.*] entry to score on");
    s.optional("threshold", &EvaluateOptions::threshold, "probability above which a pixel counts as crack")
        .in_range(0.0, 1.0);
    declare_common(s);
    s.optional("noises", &EvaluateOptions::noises, "[noises.*] entries for robustness.csv; [] = clean only");
    s.optional("levels", &EvaluateOptions::levels, "noise intensities scored for each noise").in_range(0.0, 1.0);
    s.optional("examples", &EvaluateOptions::examples,
               "images in the qualitative figures examples_clean.png and examples_<noise>.png; 0 = none")
        .in_range(0, 64);
    s.optional("example_level", &EvaluateOptions::example_level, "the noise intensity examples_<noise>.png shows")
        .in_range(0.0, 1.0);
    s.optional("tolerance", &EvaluateOptions::tolerance,
               "how far a predicted crack pixel may lie from an annotated one and still count (precision_tol, "
               "recall_tol, F1_tol, ODS_tol, OIS_tol, AP_tol, BF); 0 = exact")
        .in_range(0.0, 1000.0);
    s.optional("tolerance_of", &EvaluateOptions::tolerance_of,
               "the tolerance's unit: pixels, or diagonal (a fraction of each image's diagonal: BSDS uses 0.0075)")
        .one_of({"pixels", "diagonal"});
    s.optional("centerline_tolerance", &EvaluateOptions::centerline_tolerance,
               "pixels between the predicted and annotated skeletons that clIoU still matches (OmniCrack30k: 4)")
        .in_range(0.0, 1000.0);
    s.optional("min_crack_area", &EvaluateOptions::min_crack_area,
               "pixels: on a crack-free image, predicted components smaller than this are not counted as a crack")
        .in_range(0, 1000000);
    s.optional("bootstrap", &EvaluateOptions::bootstrap,
               "resamples of the images for each figure's 95 % interval (<figure>_low, <figure>_high); 0 = none")
        .in_range(0, 100000);
    s.optional("choose_threshold", &EvaluateOptions::choose_threshold,
               "record a threshold for each scored checkpoint, beside it (<stem>.threshold.toml), that crackkd infer "
               "and export then use: ods = the ODS threshold on this stage's data, fixed = `threshold`; none = record "
               "nothing")
        .one_of({"none", "ods", "fixed"});
  }
};

class EvaluateStage : public StageKindOf<EvaluateOptions> {
 public:
  const char* name() const override { return "evaluate"; }
  const char* summary() const override {
    return "Score checkpoints on a dataset: mean Dice (mDS), mean IoU and the crack measures, clean and under noise";
  }
  std::vector<Result> results() const override {
    return {{results::kScores, "", {}},
            {results::kPerImage, "", {}},
            {results::kRobustness, "with noises", [](const EvaluateOptions& o) { return !o.noises.empty(); }},
            {results::kExamplesClean, "with examples", [](const EvaluateOptions& o) { return o.examples > 0; }},
            {"examples_<noise>.png", "with examples and noises",
             [](const EvaluateOptions& o) { return o.examples > 0 && !o.noises.empty(); }}};
  }

  StagePlan plan(const EvaluateOptions& o, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost&) const override {
    StagePlan plan;
    // checkpoint = "best" reads best.pt, which only a validated training stage writes
    plan_scored(o, stage, pipeline, plan, o.checkpoint == "best" ? results::kBest : results::kCheckpoint);
    require_reference(stage, "data", o.data, pipeline.datasets, "dataset");
    plan.components = {{"dataset", pipeline.datasets.at(o.data)}};
    for (std::size_t i = 0; i < o.noises.size(); ++i) {
      require_reference(stage, "noises", o.noises[i], pipeline.noises, "noise", i);
      plan.components.emplace_back("noise", pipeline.noises.at(o.noises[i]));
    }
    return plan;
  }

  void run(StageContext& ctx, const EvaluateOptions& o) const override {
    const auto device = device_of(ctx, o);
    auto dataset = ctx.host.create<Dataset>("dataset", ctx.pipeline.datasets.at(o.data));
    std::vector<Target> targets;
    for (auto& c : scored_checkpoints(ctx, o)) targets.push_back({std::move(c), {}, {}});
    // Every checkpoint is loaded before anything is scored or written: a missing or
    // foreign one fails the stage with the previous results untouched.
    for (auto& t : targets) t.loaded = load_scored(ctx, t.what, device);
    std::vector<std::pair<std::string, std::shared_ptr<Noise>>> noises;  // created once, for robustness and figures
    for (const auto& name : o.noises) noises.emplace_back(name, ctx.host.create<Noise>("noise", ctx.pipeline.noises.at(name)));
    io::CsvWriter scores(ctx.out_dir / results::kScores, evaluation::dataset_measure_columns({"model", "seed", "checkpoint"}));
    std::vector<std::pair<std::filesystem::path, double>> chosen;  // checkpoint → its threshold
    io::CsvWriter per_image(ctx.out_dir / results::kPerImage, evaluation::image_measure_columns({"model", "seed", "image"}));
    // One set of draws for every model: their intervals resample the same images.
    const auto draws = metrics::bootstrap_draws(dataset->size(), static_cast<std::size_t>(o.bootstrap),
                                                static_cast<std::uint64_t>(ctx.pipeline.options.seed));
    for (auto& t : targets) {
      const std::string name = t.what.label + (t.what.seed.empty() ? "" : " seed " + t.what.seed);
      std::vector<metrics::ImageMeasures> records;
      const evaluation::ImageMeasuresSink measures{o.measure_options(), [&](const std::string& id, metrics::ImageMeasures&& m) {
                                         per_image.row_of_texts(evaluation::image_measure_texts({t.what.label, t.what.seed, id}, m));
                                         records.push_back(std::move(m));
                                       }};
      evaluation::evaluate_model(*t.loaded.model, *dataset, device, o.threshold, "evaluate " + name, {}, &measures);
      const auto d = metrics::summarize(records);
      scores.row_of_texts(evaluation::dataset_measure_texts({t.what.label, t.what.seed, t.what.file.string()}, d, o.measure_options(),
                                              metrics::bootstrap_intervals(records, draws)));
      t.clean = std::move(records);
      if (o.choose_threshold != "none") chosen.emplace_back(t.what.file, o.choose_threshold == "ods" ? d.ods_threshold : o.threshold);
      spdlog::info("evaluate {}: {} (model.{}, epoch {}) on {}: mDS {:.4f} mIoU {:.4f} F1 {:.4f} ODS {:.4f} (at {:.2f}) "
                   "OIS {:.4f} AP {:.4f}; within {}: F1 {:.4f} ODS {:.4f} AP {:.4f}; clDice {:.4f} clIoU {:.4f} "
                   "BF {:.4f} over {} images",
                   ctx.stage.name, name, t.loaded.config.plugin, t.loaded.epoch, o.data, d.mds, d.miou, d.f1, d.ods,
                   d.ods_threshold, d.ois, d.ap, o.measure_options().tolerance.describe(), d.f1_tol, d.ods_tol,
                   d.ap_tol, d.cl_dice, d.cl_iou, d.boundary_f1, d.images);
    }
    std::optional<io::CsvWriter> robustness;
    if (!o.noises.empty()) robustness = robustness_of(ctx, o, noises, *dataset, targets, device);
    if (o.examples > 0) write_examples(ctx, o, noises, *dataset, targets, device);
    scores.commit();
    per_image.commit();
    if (robustness) robustness->commit();
    record_thresholds(ctx, o, chosen);
  }

 private:
  /// A checkpoint to score, loaded, and its clean images' records.
  struct Target {
    ScoredCheckpoint what;
    checkpoints::LoadedModel loaded;
    std::vector<metrics::ImageMeasures> clean;  ///< each clean image's record, in dataset order
  };
  using Noises = std::vector<std::pair<std::string, std::shared_ptr<Noise>>>;

  /// Each checkpoint's chosen threshold beside it, saying how and where it was chosen.
  static void record_thresholds(const StageContext& ctx, const EvaluateOptions& o,
                                const std::vector<std::pair<std::filesystem::path, double>>& chosen) {
    for (const auto& [checkpoint, threshold] : chosen) {
      const std::string how = o.choose_threshold == "ods" ? "the ODS threshold on " + o.data : "fixed";
      inference::write_chosen_threshold(checkpoint, threshold,
                                        how + ", evaluate stage " + ctx.stage.name + " of pipeline " + ctx.pipeline.options.name);
      spdlog::info("evaluate {}: threshold {} recorded for {} ({})", ctx.stage.name, threshold, checkpoint.string(),
                   inference::chosen_threshold_file(checkpoint).string());
    }
  }

  /// The figures show one model per label: with seeds, the first seed's.
  static void write_examples(StageContext& ctx, const EvaluateOptions& o, const Noises& noises, const Dataset& dataset,
                             std::vector<Target>& targets, c10::Device device) {
    std::vector<std::pair<std::string, SegmentationModel*>> shown;
    for (auto& t : targets)
      if (std::none_of(shown.begin(), shown.end(), [&](const auto& s) { return s.first == t.what.label; }))
        shown.emplace_back(t.what.label, t.loaded.model.get());
    const evaluation::ExampleFigures figures{static_cast<std::size_t>(o.examples), o.threshold, noises, o.example_level,
                                             ctx.pipeline.options.seed};
    evaluation::write_example_figures(ctx.out_dir, figures, dataset, shown, device);
  }

  /// Every model on every image under every noise at every level (evaluation/robustness.hpp).
  static io::CsvWriter robustness_of(StageContext& ctx, const EvaluateOptions& o, const Noises& noises,
                                     const Dataset& dataset, const std::vector<Target>& targets, c10::Device device) {
    const evaluation::RobustnessScoring scoring{"robustness " + ctx.stage.name, ctx.pipeline.options.seed, noises,
                                                o.levels, o.measure_options()};
    std::vector<evaluation::ScoredModel> models;
    for (const auto& t : targets) models.push_back({t.what.label, t.what.seed, t.loaded.model.get(), &t.clean});
    return evaluation::score_robustness(ctx.out_dir / results::kRobustness, scoring, dataset, models, device);
  }
};

}  // namespace

CRACKKD_STAGE_KIND(EvaluateStage, 30)

}  // namespace crackkd::stages
