// Stage kind `report`: the results of earlier stages as report.md with PNG figures, in the
// report's folder (self-contained: every figure it shows is copied or drawn there).
//
//   [stages.report]
//   kind   = "report"
//   stages = []          # stages to report on; [] = every other stage of the pipeline
//   level  = 0.4         # the noise intensity of the accuracy table's robustness columns
//   notes  = ["…"]       # paragraphs added under the title
//
// What it reads, by stage kind:
//   evaluate   scores.csv → accuracy table (mDS, mIoU; the seed's Tables 1–3), with mDS
//              under each noise at `level` from robustness.csv; robustness.csv → one plot
//              per noise of mDS against intensity (Figs. 6, 9, 11); examples_*.png →
//              qualitative grids (Figs. 5, 7, 8, 10)
//   benchmark  efficiency.csv → efficiency table (Table 2's parameters, MACs, latency)
//   train, distill  metrics.csv → a summary table, validation mDS per epoch of every
//              training stage in one plot, and each stage's loss terms per epoch

#include "engine/stage.hpp"
#include "report/csv_table.hpp"
#include "report/line_plot.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

namespace crackkd::engine {

namespace {

namespace fs = std::filesystem;

struct ReportOptions {
  std::vector<std::string> stages;
  double level = 0.4;
  std::vector<std::string> notes;
  std::string title;

  static void declare(OptionSchema<ReportOptions>& s) {
    s.optional("stages", &ReportOptions::stages, "stages to report on; [] = every other stage of the pipeline");
    s.optional("level", &ReportOptions::level, "noise intensity of the accuracy table's robustness columns")
        .in_range(0.0, 1.0);
    s.optional("notes", &ReportOptions::notes, "paragraphs shown under the title");
    s.optional("title", &ReportOptions::title, "the report's title; \"\" = the pipeline's name");
  }
};

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "–";
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v;
  return s.str();
}

std::string percent(double level) { return std::to_string(static_cast<int>(std::lround(level * 100))) + " %"; }

/// Builds report.md section by section, numbering tables and figures.
class Report {
 public:
  explicit Report(fs::path folder) : folder_(std::move(folder)) {}
  std::ostringstream md;

  void table(const std::string& caption, const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows) {
    md << "\n**Table " << ++tables_ << ".** " << caption << "\n\n|";
    for (const auto& h : header) md << " " << h << " |";
    md << "\n|";
    for (std::size_t i = 0; i < header.size(); ++i) md << (i ? " ---: |" : " --- |");
    md << "\n";
    for (const auto& r : rows) {
      md << "|";
      for (const auto& f : r) md << " " << f << " |";
      md << "\n";
    }
  }
  void plot(const std::string& file, const report::LinePlot& p, const std::string& caption) {
    report::write_line_plot(folder_ / file, p);
    figure(file, caption);
  }
  void figure(const std::string& file, const std::string& caption) {
    md << "\n![Figure " << ++figures_ << "](" << file << ")\n\n**Figure " << figures_ << ".** " << caption << "\n";
  }
  const fs::path& folder() const { return folder_; }

 private:
  fs::path folder_;
  int tables_ = 0, figures_ = 0;
};

void report_evaluation(Report& r, const std::string& stage, const fs::path& dir, const ReportOptions& o) {
  const auto scores = report::read_csv_if_present(dir / "scores.csv");
  if (!scores) return;
  const auto robustness = report::read_csv_if_present(dir / "robustness.csv");
  std::vector<std::string> noises;  // in file order
  std::map<std::string, std::map<std::string, std::vector<std::pair<double, double>>>> curves;  // noise → model → (level, mDS)
  if (robustness)
    for (std::size_t i = 0; i < robustness->rows.size(); ++i) {
      const auto& noise = robustness->rows[i][robustness->column("noise")];
      if (std::find(noises.begin(), noises.end(), noise) == noises.end()) noises.push_back(noise);
      curves[noise][robustness->rows[i][robustness->column("model")]].emplace_back(robustness->number(i, "level"),
                                                                                    robustness->number(i, "mDS"));
    }
  r.md << "\n## Accuracy (stage " << stage << ")\n";
  std::vector<std::string> header{"model", "mDS", "mIoU", "images"};
  for (const auto& n : noises) header.push_back("mDS " + n);
  std::vector<std::vector<std::string>> rows;
  double shown_level = o.level;
  for (std::size_t i = 0; i < scores->rows.size(); ++i) {
    const auto& model = scores->rows[i][scores->column("model")];
    std::vector<std::string> row{model, fixed(scores->number(i, "mDS"), 4), fixed(scores->number(i, "mIoU"), 4),
                                 scores->rows[i][scores->column("images")]};
    for (const auto& n : noises) {  // the scored level closest to o.level
      double best = NAN, distance = INFINITY;
      for (const auto& [level, dice] : curves[n][model])
        if (std::abs(level - o.level) < distance) distance = std::abs(level - o.level), best = dice, shown_level = level;
      row.push_back(fixed(best, 4));
    }
    rows.push_back(row);
  }
  std::string caption = "Mean Dice (mDS) and mean IoU of each model on clean images (" + stage + "/scores.csv)";
  if (!noises.empty()) caption += ", and its mDS when the images carry each noise at " + percent(shown_level) + " intensity (" + stage + "/robustness.csv)";
  r.table(caption + ".", header, rows);

  for (const auto& n : noises) {
    report::LinePlot p{"mDS under " + n + " noise (" + stage + ")", "noise intensity", "mDS", {}, 0, 1};
    for (const auto& [model, points] : curves[n]) {
      report::PlotSeries s{model, {}, {}};
      for (const auto& [level, dice] : points) s.x.push_back(level), s.y.push_back(dice);
      p.series.push_back(std::move(s));
    }
    r.plot("robustness_" + stage + "_" + n + ".png", p,
           "Robustness to " + n + " noise: mDS of each model (one line each) as the intensity grows from clean images; "
           "every model sees the very same corrupted images.");
  }
  const std::string legend = " Columns: the image, its ground truth, then each model's prediction: white = crack found, "
                             "red = false crack, blue = missed crack.";
  if (fs::exists(dir / "examples_clean.png")) {
    fs::copy_file(dir / "examples_clean.png", r.folder() / ("examples_" + stage + "_clean.png"),
                  fs::copy_options::overwrite_existing);
    r.figure("examples_" + stage + "_clean.png", "Predictions on clean images (" + stage + ")." + legend);
  }
  for (const auto& n : noises)
    if (fs::exists(dir / ("examples_" + n + ".png"))) {
      fs::copy_file(dir / ("examples_" + n + ".png"), r.folder() / ("examples_" + stage + "_" + n + ".png"),
                    fs::copy_options::overwrite_existing);
      r.figure("examples_" + stage + "_" + n + ".png",
               "Predictions on the same images under " + n + " noise (the evaluate stage's example_level, 40 % by "
               "default)." + legend);
    }
}

void report_efficiency(Report& r, const std::string& stage, const fs::path& dir) {
  const auto e = report::read_csv_if_present(dir / "efficiency.csv");
  if (!e || e->rows.empty()) return;
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < e->rows.size(); ++i)
    rows.push_back({e->rows[i][e->column("model")], e->rows[i][e->column("plugin")], fixed(e->number(i, "params") / 1e6, 3),
                    fixed(e->number(i, "MACs") / 1e9, 3), fixed(e->number(i, "latency_ms"), 2),
                    fixed(e->number(i, "latency_p90_ms"), 2)});
  r.md << "\n## Efficiency (stage " << stage << ")\n";
  r.table("Parameters, multiply-accumulates and batch-1 latency at " + e->rows[0][e->column("size")] + "x" +
              e->rows[0][e->column("size")] + " on " + e->rows[0][e->column("device")] + " with " +
              e->rows[0][e->column("threads")] + " threads (" + stage + "/efficiency.csv).",
          {"model", "plugin", "params (M)", "MACs (G)", "latency (ms, median)", "latency (ms, p90)"}, rows);
}

void report_training(Report& r, const std::vector<std::pair<std::string, fs::path>>& stages) {
  std::vector<std::vector<std::string>> rows;
  report::LinePlot validation{"validation mDS per epoch", "epoch", "mDS", {}, 0, 1};
  std::vector<std::pair<std::string, report::LinePlot>> losses;
  for (const auto& [stage, dir] : stages) {
    const auto m = report::read_csv_if_present(dir / "metrics.csv");
    if (!m || m->rows.empty()) continue;
    const std::size_t first_term = m->column("step") + 1, last_term = m->column("train_loss");
    report::LinePlot loss{"loss terms per epoch (" + stage + ")", "epoch", "loss (mean over the epoch)", {}, 0, 0};
    for (std::size_t c = first_term; c <= last_term; ++c) loss.series.push_back({m->header[c], {}, {}});
    report::PlotSeries val{stage, {}, {}};
    double best = -1, seconds = 0, best_epoch = 0;
    for (std::size_t i = 0; i < m->rows.size(); ++i) {
      const double epoch = m->number(i, "epoch");
      for (std::size_t c = first_term; c <= last_term; ++c) {
        loss.series[c - first_term].x.push_back(epoch);
        loss.series[c - first_term].y.push_back(m->number(i, m->header[c]));
      }
      seconds += m->number(i, "seconds");
      if (!m->rows[i][m->column("val_mDS")].empty()) {
        const double dice = m->number(i, "val_mDS");
        val.x.push_back(epoch), val.y.push_back(dice);
        if (dice > best) best = dice, best_epoch = epoch;
      }
    }
    const std::size_t last = m->rows.size() - 1;
    rows.push_back({stage, m->rows[last][m->column("epoch")], best < 0 ? "–" : fixed(best, 4) + " (epoch " + fixed(best_epoch, 0) + ")",
                    val.y.empty() ? "–" : fixed(val.y.back(), 4), fixed(m->number(last, "train_loss"), 4),
                    fixed(seconds / 60.0, 1)});
    if (!val.x.empty()) validation.series.push_back(std::move(val));
    losses.emplace_back(stage, std::move(loss));
  }
  if (rows.empty()) return;
  r.md << "\n## Training\n";
  r.table("Training stages (each stage's metrics.csv): epochs run, the best validation mDS (its checkpoint is best.pt), "
          "the last epoch's validation mDS and training loss, and the training time.",
          {"stage", "epochs", "best val mDS", "last val mDS", "last train loss", "minutes"}, rows);
  if (!validation.series.empty())
    r.plot("training_validation_mds.png", validation,
           "Validation mDS after every epoch, one line per training stage: how fast each method learns.");
  for (const auto& [stage, loss] : losses)
    r.plot("training_" + stage + "_loss.png", loss,
           "Loss terms of stage " + stage + " per epoch (mean over each epoch's batches); train_loss is their sum.");
}

std::string today() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", std::localtime(&now));
  return text;
}

class ReportStage : public StageKind {
 public:
  const char* name() const override { return "report"; }
  const char* doc() const override {
    return "report.md with tables and PNG figures from earlier stages' results (accuracy, robustness, efficiency, "
           "training curves, example predictions)";
  }
  std::vector<OptionInfo> options() const override { return describe_options<ReportOptions>(); }

  StagePlan plan(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost&) const override {
    const auto o = parse_options<ReportOptions>(stage.params);
    StagePlan plan;
    for (std::size_t i = 0; i < o.stages.size(); ++i) {
      require_reference(stage, "stages", o.stages[i], pipeline.stages, "stage", i);
      if (o.stages[i] == stage.name)
        throw ConfigError(stage.params.at("stages").array[i].where,
                          "stages." + stage.name + ".stages: a report cannot report on itself");
    }
    plan.depends_on = o.stages.empty() ? reported(stage, pipeline) : o.stages;
    return plan;
  }

  void run(StageContext& ctx) const override {
    const auto o = parse_options<ReportOptions>(ctx.stage.params);
    const auto stages = o.stages.empty() ? reported(ctx.stage, ctx.pipeline) : o.stages;
    Report r(ctx.out_dir);
    r.md << "# " << (o.title.empty() ? ctx.pipeline.options.name : o.title) << "\n\n";
    r.md << "Pipeline `" << ctx.pipeline.options.name << "` (" << ctx.pipeline.file.string() << "), seed "
         << ctx.pipeline.options.seed << ", written " << today() << " from the results of stages ";
    for (std::size_t i = 0; i < stages.size(); ++i) r.md << (i ? ", " : "") << stages[i];
    r.md << ". mDS is the mean over images of the Dice score, mIoU the mean intersection over union, both of "
            "predictions thresholded at the evaluate stage's threshold.\n";
    for (const auto& note : o.notes) r.md << "\n" << note << "\n";
    std::vector<std::pair<std::string, fs::path>> training;
    const auto kind = [&](const std::string& name) { return ctx.pipeline.stages.at(name).kind; };
    for (const auto& name : stages)  // accuracy first, then cost, then how training went
      if (kind(name) == "evaluate") report_evaluation(r, name, ctx.stage_dir(name), o);
    for (const auto& name : stages)
      if (kind(name) == "benchmark") report_efficiency(r, name, ctx.stage_dir(name));
    for (const auto& name : stages)
      if (kind(name) == "train" || kind(name) == "distill") training.emplace_back(name, ctx.stage_dir(name));
    report_training(r, training);
    const auto file = ctx.out_dir / "report.md";
    std::ofstream out(file);
    out << r.md.str();
    if (!out.flush()) throw Error("cannot write " + file.string());
    spdlog::info("report {}: {}", ctx.stage.name, file.string());
  }

 private:
  /// Every stage but reports, in the pipeline's order.
  static std::vector<std::string> reported(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline) {
    std::vector<std::string> names;
    for (const auto& [name, config] : pipeline.stages)
      if (name != stage.name && config.kind != "report") names.push_back(name);
    return names;
  }
};

}  // namespace

std::unique_ptr<StageKind> make_report_stage() { return std::make_unique<ReportStage>(); }

}  // namespace crackkd::engine
