// Stage kind `report`: the results of earlier stages as report.md with PNG figures, in the
// report's folder (self-contained: every figure it shows is copied or drawn there).
//
//   [stages.report]
//   kind   = "report"
//   stages = []          # stages to report on; [] = every other stage of the pipeline
//   level  = 0.4         # the noise intensity of the accuracy table's robustness columns
//   notes  = ["…"]       # paragraphs added under the title
//   baseline = "scratch" # a training stage each other model is compared with seed by seed
//
// What it reads, by stage kind:
//   evaluate   scores.csv → accuracy table (mDS, mIoU, F1, ODS, OIS, AP; the seed's Tables
//              1–3), with mDS under each noise at `level` from robustness.csv; with a
//              `baseline`, each model's paired difference to it (mean and 95 % interval over
//              the seeds: stages/report_paired.cpp); robustness.csv → one plot
//              per noise of mDS against intensity (Figs. 6, 9, 11); examples_*.png →
//              qualitative grids (Figs. 5, 7, 8, 10)
//   benchmark  efficiency.csv → efficiency table (Table 2's parameters, MACs, latency)
//   train, distill  metrics.csv → a summary table, validation mDS per epoch of every
//              training stage in one plot, and each stage's loss terms per epoch

#include "io/durable_file.hpp"
#include "stages/report_sections.hpp"
#include "stages/stage.hpp"
#include "stages/stage_kind_of.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <initializer_list>
#include <fstream>
#include <sstream>

namespace crackkd::stages {

namespace {

namespace fs = std::filesystem;

struct ReportOptions {
  std::vector<std::string> stages;
  double level = 0.4;
  std::vector<std::string> notes;
  std::string title;
  std::string baseline;

  static void declare(OptionSchema<ReportOptions>& s) {
    s.optional("stages", &ReportOptions::stages, "stages to report on; [] = every other stage of the pipeline");
    s.optional("level", &ReportOptions::level, "noise intensity of the accuracy table's robustness columns")
        .in_range(0.0, 1.0);
    s.optional("notes", &ReportOptions::notes, "paragraphs shown under the title");
    s.optional("title", &ReportOptions::title, "the report's title; \"\" = the pipeline's name");
    s.optional("baseline", &ReportOptions::baseline,
               "a train or distill stage every other scored model is compared with, seed by seed (paired "
               "differences, 95 % interval); \"\" = none");
  }
};

std::string today() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", std::localtime(&now));
  return text;
}

std::string seeds_text(const pipeline::PipelineOptions& options) {
  if (options.seeds.empty()) return "seed " + std::to_string(options.seed);
  std::string text = "seeds";
  for (std::size_t i = 0; i < options.seeds.size(); ++i) text += (i ? ", " : " ") + std::to_string(options.seeds[i]);
  return text + " (train and distill stages; evaluation noise from seed " + std::to_string(options.seed) + ")";
}

class ReportStage : public StageKindOf<ReportOptions> {
 public:
  const char* name() const override { return "report"; }
  const char* summary() const override {
    return "report.md with tables and PNG figures from earlier stages' results (accuracy, robustness, efficiency, "
           "training curves, example predictions)";
  }
  std::vector<Result> results() const override {
    const char* shown = "as the stages reported on give them";
    return {{results::kReport, "", {}},
            {"examples_<stage and noise>.png", shown, {}},
            {"robustness_<stage and noise>.png", shown, {}},
            {"training_<stage>_loss.png", shown, {}},
            {"training_validation_mds.png", shown, {}}};
  }

  StagePlan plan(const ReportOptions& o, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost&) const override {
    StagePlan plan;
    for (std::size_t i = 0; i < o.stages.size(); ++i) {
      require_reference(stage, "stages", o.stages[i], pipeline.stages, "stage", i);
      if (o.stages[i] == stage.name)
        throw ConfigError(stage.params.at("stages").array[i].where,
                          "stages." + stage.name + ".stages: a report cannot report on itself");
    }
    if (!o.baseline.empty()) require_reference(stage, "baseline", o.baseline, pipeline.stages, "stage");
    plan.depends_on = o.stages;
    if (o.stages.empty())  // every other stage; link() keeps those with results to show
      for (const auto& [name, config] : pipeline.stages)
        if (name != stage.name) plan.depends_on.push_back(name);
    return plan;
  }

  /// Reads, of each stage reported on, the results a report shows (and, beside an
  /// evaluate stage's scores, its per-image scores, robustness and example figures); a
  /// stage named in `stages` without any is an error, one taken by `stages = []` is left out.
  void link(const ReportOptions& o, const pipeline::StageConfig& stage, StagePlan& own,
            const std::map<std::string, StagePlan>& plans) const override {
    const bool chosen = !o.stages.empty();
    std::vector<std::string> shown;
    const auto read_what_it_writes = [&](const std::string& name, std::initializer_list<const char*> files) {
      for (const char* file : files)
        if (plans.at(name).writes_file(file)) own.reads.push_back({name, file, stage.where, "stages." + stage.name, ""});
    };
    for (std::size_t i = 0; i < own.depends_on.size(); ++i) {
      const auto& name = own.depends_on[i];
      const std::size_t before = own.reads.size();
      read_what_it_writes(name, {results::kScores, results::kEfficiency, results::kMetrics});
      if (own.reads.size() == before) {
        if (chosen)
          throw ConfigError(stage.params.at("stages").array[i].where,
                            "stages." + stage.name + ".stages: stage '" + name +
                                "' writes no results a report shows (scores.csv, efficiency.csv, metrics.csv)");
        continue;
      }
      shown.push_back(name);
      read_what_it_writes(name, {results::kPerImage, results::kRobustness, "examples_<noise>.png"});
    }
    own.depends_on = shown;
  }

  void run(StageContext& ctx, const ReportOptions& o) const override {
    const auto& stages = ctx.plan->depends_on;
    report::Document r(ctx.out_dir);
    r.md << "# " << (o.title.empty() ? ctx.pipeline.options.name : o.title) << "\n\n";
    r.md << "Pipeline `" << ctx.pipeline.options.name << "` (" << ctx.pipeline.file.string() << "), "
         << seeds_text(ctx.pipeline.options) << ", written " << today() << " from the results of stages ";
    for (std::size_t i = 0; i < stages.size(); ++i) r.md << (i ? ", " : "") << stages[i];
    r.md << ". mDS is the mean over images of the Dice score, mIoU the mean intersection over union, both of "
            "predictions thresholded at the evaluate stage's threshold.\n";
    for (const auto& note : o.notes) r.md << "\n" << note << "\n";
    write_sections(ctx, r, o);
    const auto file = ctx.out_dir / results::kReport;
    io::write_atomically(file, r.md.str());
    spdlog::info("report {}: {}", ctx.stage.name, file.string());
  }

 private:
  /// Accuracy first, then cost, then how training went, each from the results read.
  static void write_sections(StageContext& ctx, report::Document& r, const ReportOptions& o) {
    const auto reads = [&](const char* file) {
      std::vector<std::string> stages;
      for (const auto& read : ctx.plan->reads)
        if (read.file == file) stages.push_back(read.stage);
      return stages;
    };
    for (const auto& name : reads(results::kScores)) {
      const ResultsOf evaluated(ctx, name);
      report_evaluation(r, evaluated, o.level);
      report_benchmark_measures(r, evaluated);
      if (!o.baseline.empty()) report_paired_differences(r, evaluated, o.baseline, o.level);
    }
    for (const auto& name : reads(results::kEfficiency)) report_efficiency(r, ResultsOf(ctx, name));
    std::vector<TrainingRun> training;
    const auto runs = replicates(ctx.pipeline.options);
    for (const auto& name : reads(results::kMetrics))
      for (const auto& rep : runs)  // with seeds: a row per seed, the loss plot of the first
        training.push_back({rep.folder.empty() ? name : name + " seed " + std::to_string(rep.seed),
                            ResultsOf(ctx, name, rep.folder), rep.seed == runs.front().seed});
    report_training(r, training);
  }
};

}  // namespace

CRACKKD_STAGE_KIND(ReportStage, 50)

}  // namespace crackkd::stages
