// Stage kind `distill`: a frozen teacher supervises a student through a distiller.
//
//   [stages.distill]
//   kind        = "distill"
//   teacher     = "teacher"          # a train/distill stage (its best.pt, else checkpoint.pt) ...
//   teacher_checkpoint = ""          # ... or a checkpoint file
//   student     = "student"          # a [models.*] name
//   data        = "train"
//   validate_on = "val"
//   distiller   = { plugin = "rfkd" }
//   loss        = "dice"              # the ground-truth term(s) the distiller adds, scaled by its gt_weight
//   noise_mix   = { clean = 2, noisy = 1, noises = ["salt", "pepper", "blur", "texture"] }
//   augment     = [{ plugin = "hflip" }, { plugin = "color_jitter" }]
//   stream      = "student"          # paired with the other stages of that stream
//   teacher_cache = true             # the teacher's outputs stored once, read by the others
//   teacher_sees  = "same"           # or "clean": the image before noise_mix's noise
//
// The teacher runs in eval mode without gradients on the very batch the student sees
// (noisy samples included), or with `teacher_sees = "clean"` on the same samples before
// their noise (augmented alike): RFKD's ablation of a teacher that is never fooled. The
// distiller's trainable parts (connectors) are optimised with the student and are not
// saved: checkpoint.pt / best.pt hold the student alone, so they evaluate and infer like
// any trained model. Each loss term is a metrics.csv column. With `teacher_cache`, the
// teacher's outputs are kept per sample in float16 (training/teacher_cache.hpp): distill
// stages that share a teacher and a stream compute the teacher once between them; the
// size is logged before the first epoch.

#include "checkpoints/checkpoint.hpp"
#include "data/batching.hpp"
#include "report/csv_table.hpp"
#include "stages/stage.hpp"
#include "stages/stage_kind_of.hpp"
#include "stages/training_stage.hpp"
#include "training/fit.hpp"
#include "training/teacher_cache.hpp"
#include "training/teacher_forward.hpp"
#include "training/training_options.hpp"
#include "training/weighted_loss.hpp"

#include <crackkd/distiller.hpp>

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cstdlib>
#include <optional>

namespace crackkd::stages {

namespace {

struct DistillOptions : CommonStageOptions, training::TrainingOptions {
  std::string teacher;
  std::string teacher_checkpoint;
  std::string student;
  ComponentConfig distiller{"rfkd", Params("distiller", {}), {}};
  bool teacher_cache = false;
  std::string teacher_sees = "same";

  static void declare(OptionSchema<DistillOptions>& s) {
    s.optional("teacher", &DistillOptions::teacher, "a train or distill stage whose best.pt (else checkpoint.pt) teaches");
    s.optional("teacher_checkpoint", &DistillOptions::teacher_checkpoint, "a checkpoint file that teaches instead");
    s.required("student", &DistillOptions::student, "the [models.*] entry to train");
    s.optional("distiller", &DistillOptions::distiller, "how the student learns from the teacher").kind("distiller");
    s.optional("teacher_cache", &DistillOptions::teacher_cache,
               "keep the teacher's outputs per sample (float16, <run>/teacher_outputs/) for other distill stages "
               "showing it the same inputs (one `stream`); rounds them to float16 whether read or computed");
    s.optional("teacher_sees", &DistillOptions::teacher_sees,
               "the teacher's input: the student's (same) or that image before noise_mix's noise (clean)")
        .one_of({"same", "clean"});
    declare_training_options(s);
    declare_common(s);
  }
  void check(const Params& p) const {
    if (teacher_sees == "clean" && !noise_mix)
      throw ConfigError(p.at("teacher_sees").where, p.qualified("teacher_sees") +
                                                        " = \"clean\" needs a noise_mix: without one the student sees clean images too");
    if (teacher.empty() == teacher_checkpoint.empty())
      throw ConfigError(p.where(), p.path() + ": give exactly one of 'teacher' (a stage) and 'teacher_checkpoint' (a file)");
  }
};

class DistillStage : public StageKindOf<DistillOptions> {
 public:
  const char* name() const override { return "distill"; }
  const char* summary() const override { return "Train a student from a frozen teacher with a distiller"; }
  std::vector<Result> results() const override { return training_results<DistillOptions>(); }

  StagePlan plan(const DistillOptions& o, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost& host) const override {
    require_reference(stage, "student", o.student, pipeline.models, "model");
    host.validate("distiller", o.distiller);
    StagePlan plan;
    plan.components = {{"model", pipeline.models.at(o.student)}, {"distiller", o.distiller}};
    plan.trained_model = o.student;
    plan_weighted_loss(o.loss, host, plan);
    if (!o.teacher.empty()) {
      // best.pt when the teacher writes one (it validates), else checkpoint.pt, always written
      read_result_of(stage, "teacher", o.teacher, results::kCheckpoint, pipeline, plan);
      plan.reads.back().preferred = results::kBest;
      read_result_of(stage, "teacher", o.teacher, results::kMetrics, pipeline, plan);  // warn_if_untaught
    } else {
      require_input_file(stage, "teacher_checkpoint", o.teacher_checkpoint);
      plan.input_files.push_back(o.teacher_checkpoint);
    }
    plan_training_options(o, o.device, stage, pipeline, host, plan);
    // Stages of one stream show the teacher the same inputs: those are the ones that share.
    if (o.teacher_cache && !o.stream.empty())
      plan.shared_cache = "teacher outputs of " + (o.teacher.empty() ? o.teacher_checkpoint : "stage " + o.teacher) +
                          " for stream " + o.stream;
    return plan;
  }

  void run(StageContext& ctx, const DistillOptions& o) const override {
    const auto device = device_of(ctx, o);
    const auto teacher_file = o.teacher.empty() ? std::filesystem::path(o.teacher_checkpoint)
                                                : ctx.model_of(o.teacher, ctx.replicate);
    auto teacher = checkpoints::load_checkpoint(teacher_file, ctx.host, device);
    if (!o.teacher.empty()) require_model_of_stage(ctx, teacher, teacher_file, o.teacher);
    teacher.model->eval();
    for (auto& p : teacher.model->parameters()) p.set_requires_grad(false);
    warn_if_untaught(ctx, teacher_file,
                     o.teacher.empty() ? teacher_file.parent_path() / results::kMetrics
                                       : ctx.result_of(o.teacher, results::kMetrics, ctx.replicate));

    const auto& student_config = ctx.pipeline.models.at(o.student);
    auto student = initial_model(ctx, stream_of(ctx, o), student_config, device, o.init_from);
    auto distiller = ctx.host.create<Distiller>("distiller", o.distiller);
    distiller->set_ground_truth_loss(training::WeightedLoss(ctx.host, o.loss));
    distiller->prepare(*teacher.model, *student);
    distiller->to(device);
    distiller->train();
    auto parameters = student->parameters();
    for (const auto& p : distiller->parameters()) parameters.push_back(p);
    const auto optimizer = training::make_optimizer(parameters, o);

    training::TrainingData train_data(ctx.pipeline, ctx.host, stream_of(ctx, o), o.data, o.augment, o.noise_mix, o.teacher_sees == "clean");
    const auto validation = validation_data(ctx, o);
    training::TeacherForward teacher_forward(*teacher.model, "model." + teacher.config.plugin);
    std::optional<training::TeacherCache> cache;
    if (o.teacher_cache) cache = open_cache(ctx, teacher_forward, teacher_file, train_data, o.epochs);
    spdlog::info("distill {}: model.{} from model.{} ({}) by distiller.{} on {} ({} images), {} epochs, batch {}, {}",
                 ctx.stage.name, student_config.plugin, teacher.config.plugin, teacher_file.string(),
                 o.distiller.plugin, o.data, train_data.images(), o.epochs, o.batch_size, device.str());
    training::fit(fit_stage(ctx), {*student, student_config, *optimizer, distiller.get()}, {train_data, validation.get()}, device,
                  o, [&](const Batch& batch) {
                    const auto& seen = batch.clean_images.defined() ? batch.clean_images : batch.images;
                    const ModelOutput teacher_out = cache ? cache->forward(teacher_forward, seen) : teacher_forward(seen);
                    ModelOutput student_out = data::forward_padded(*student, batch.images);
                    training::StepLoss loss{distiller->loss(student_out, teacher_out, batch), {student_out.logits}};
                    for (auto& f : student_out.features) loss.outputs.push_back(std::move(f));
                    return loss;
                  });
    if (cache)
      spdlog::info("distill {}: teacher outputs of {} samples read from the cache, {} computed", ctx.stage.name,
                   cache->read(), cache->computed());
  }

 private:
  /// A teacher whose training stage scored (almost) nothing on its validation data at its
  /// last epoch (its metrics.csv) has nothing to teach: say so before hours of
  /// distillation (a student of such a teacher scored mDS 0.0004).
  static void warn_if_untaught(const StageContext& ctx, const std::filesystem::path& teacher_file,
                               const std::filesystem::path& metrics_file) {
    constexpr double kFloor = 0.1;  // an untrained tiny U-Net scores ~0.05 on thin cracks
    const auto metrics = report::read_csv_if_present(metrics_file);
    if (!metrics || metrics->rows.empty() || !metrics->has_column("val_mDS")) return;
    const std::string& field = metrics->rows.back()[metrics->column("val_mDS")];
    char* end = nullptr;
    const double score = std::strtod(field.c_str(), &end);
    if (field.empty() || *end != '\0' || score >= kFloor) return;  // not validated, or taught something
    spdlog::warn("distill {}: the teacher {} scored val mDS {:.4f} at its last epoch ({}): below {}, it has learned "
                 "(almost) nothing to teach; train it longer or check its data",
                 ctx.stage.name, teacher_file.string(), score, metrics->file.string(), kFloor);
  }

  /// States the cache's size up front (the teacher run once on the first sample); stores
  /// nothing new when the disk lacks room for this stage's samples.
  static training::TeacherCache open_cache(StageContext& ctx, training::TeacherForward& teacher, const std::filesystem::path& file,
                                 const training::TrainingData& data, std::int64_t epochs) {
    const auto folder = training::teacher_cache_folder(ctx.run_dir, file);
    const auto first = data.samples(1);
    const auto per_sample = training::TeacherCache::bytes_per_sample(teacher, data.make(first.front(), 1, 0).image);
    const double total = static_cast<double>(per_sample) * static_cast<double>(first.size() * epochs);
    std::filesystem::create_directories(folder);
    const double free = static_cast<double>(std::filesystem::space(folder).available);
    const bool store = total < 0.9 * free;
    spdlog::info("distill {}: teacher cache {}: {:.2f} MiB per sample in float16, {} samples x {} epochs: up to "
                 "{:.2f} GiB ({:.1f} GiB free){}",
                 ctx.stage.name, folder.string(), per_sample / 1048576.0, first.size(), epochs, total / 1073741824.0,
                 free / 1073741824.0, store ? "" : "; too little room: reading what is there, storing nothing");
    return training::TeacherCache(folder, store);
  }
};

}  // namespace

CRACKKD_STAGE_KIND(DistillStage, 20)

}  // namespace crackkd::stages
