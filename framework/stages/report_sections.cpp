#include "stages/report_sections.hpp"
#include "stages/stage_contract.hpp"

#include "report/csv_table.hpp"
#include "report/line_plot.hpp"
#include "report/table_text.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace crackkd::stages {

namespace fs = std::filesystem;
using report::by_model;
using report::fixed;
using report::mean_of;
using report::over_seeds;
using report::percent;

namespace {

const std::string kLegend = " Columns: the image, its ground truth, then each model's prediction: white = crack found, "
                            "red = false crack, blue = missed crack.";

void copy_figure(report::Document& r, const std::optional<fs::path>& from, const std::string& name,
                 const std::string& caption) {
  if (!from || !fs::exists(*from)) return;
  fs::copy_file(*from, r.folder() / name, fs::copy_options::overwrite_existing);
  r.figure(name, caption);
}

}  // namespace

std::optional<fs::path> ResultsOf::path(const std::string& file) const {
  if (!ctx_.reads_result(stage_, file) && !ctx_.plans->at(stage_).writes_file(file)) return std::nullopt;
  return ctx_.result_of(stage_, file, folder_);
}

std::optional<report::CsvTable> ResultsOf::csv(const std::string& file) const {
  const auto found = path(file);
  return found ? report::read_csv_if_present(*found) : std::nullopt;
}

namespace {

/// robustness.csv: noise → model → level → the mDS of each seed, and the noises in file order.
struct Curves {
  std::vector<std::string> noises;
  std::map<std::string, std::map<std::string, std::map<double, std::vector<double>>>> points;
};

Curves read_curves(const ResultsOf& in) {
  Curves c;
  const auto robustness = in.csv(results::kRobustness);
  if (!robustness) return c;
  for (std::size_t i = 0; i < robustness->rows.size(); ++i) {
    const auto& noise = robustness->rows[i][robustness->column("noise")];
    if (std::find(c.noises.begin(), c.noises.end(), noise) == c.noises.end()) c.noises.push_back(noise);
    c.points[noise][robustness->rows[i][robustness->column("model")]][robustness->number(i, "level")].push_back(
        robustness->number(i, "mDS"));
  }
  return c;
}

/// The accuracy table: mDS, mIoU and, per noise, mDS at the scored level closest to `level`.
void accuracy_table(report::Document& r, const std::string& stage, const report::CsvTable& scores, Curves& curves, double level,
                    bool seeded) {
  std::vector<std::string> measures{"mDS", "mIoU"};
  for (const char* m : {"F1", "ODS", "OIS", "AP"})  // older scores.csv files lack them
    if (scores.has_column(m)) measures.push_back(m);
  std::vector<std::string> header{"model"};
  if (seeded) header.push_back("seeds");
  header.insert(header.end(), measures.begin(), measures.end());
  header.push_back("images");
  for (const auto& n : curves.noises) header.push_back("mDS " + n);
  std::vector<std::vector<std::string>> rows;
  double shown_level = level;
  for (const auto& [model, indices] : by_model(scores)) {
    std::vector<std::string> row{model};
    if (seeded) row.push_back(std::to_string(indices.size()));
    for (const auto& m : measures) {
      std::vector<double> values;
      for (auto i : indices) values.push_back(scores.number_or_nan(i, m));
      row.push_back(over_seeds(values));
    }
    row.push_back(scores.rows[indices[0]][scores.column("images")]);
    for (const auto& n : curves.noises) {
      const std::vector<double>* closest = nullptr;
      double distance = INFINITY;
      for (const auto& [l, values] : curves.points[n][model])
        if (std::abs(l - level) < distance) distance = std::abs(l - level), closest = &values, shown_level = l;
      row.push_back(closest ? over_seeds(*closest) : "–");
    }
    rows.push_back(row);
  }
  std::string caption = "Mean Dice (mDS) and mean IoU of each model on clean images (" + stage + "/scores.csv)";
  if (!curves.noises.empty())
    caption += ", and its mDS when the images carry each noise at " + percent(shown_level) + " intensity (" + stage +
               "/robustness.csv)";
  if (seeded) caption += "; a model trained with several seeds shows mean ± standard deviation over them";
  caption += ".";
  if (measures.size() > 2)
    caption += " F1 counts the data set's pixels at the threshold; ODS is that F1 at the one threshold best for the "
               "data set, OIS the mean of each image's F1 at its own best threshold, AP the area under the data set's "
               "precision-recall curve, all from thresholds 0.01 to 0.99. An image with no crack and none predicted "
               "scores 1 in mDS, mIoU and OIS; in F1, ODS and AP it adds nothing.";
  r.table(caption, header, rows);
}

void robustness_plots(report::Document& r, const std::string& stage, Curves& curves, bool seeded) {
  for (const auto& n : curves.noises) {
    report::LinePlot p{"mDS under " + n + " noise (" + stage + ")", "noise intensity", "mDS", {}, 0, 1};
    for (const auto& [model, points] : curves.points[n]) {
      report::PlotSeries s{model, {}, {}};
      for (const auto& [l, values] : points) s.x.push_back(l), s.y.push_back(mean_of(values));
      p.series.push_back(std::move(s));
    }
    r.plot("robustness_" + stage + "_" + n + ".png", p,
           "Robustness to " + n + " noise: mDS of each model (one line each" +
               std::string(seeded ? ", the mean over its seeds" : "") +
               ") as the intensity grows from clean images; every model sees the very same corrupted images.");
  }
}

void example_figures(report::Document& r, const ResultsOf& in, const Curves& curves, bool seeded) {
  const std::string& stage = in.stage();
  const std::string which = seeded ? " (a model of several seeds: its first seed's)" : "";
  copy_figure(r, in.path(results::kExamplesClean), "examples_" + stage + "_clean.png",
              "Predictions on clean images (" + stage + ")" + which + "." + kLegend);
  for (const auto& n : curves.noises)
    copy_figure(r, in.path("examples_" + n + ".png"), "examples_" + stage + "_" + n + ".png",
                "Predictions on the same images under " + n +
                    " noise (the evaluate stage's example_level, 40 % by default)" + which + "." + kLegend);
}

}  // namespace

void report_evaluation(report::Document& r, const ResultsOf& in, double level) {
  const std::string& stage = in.stage();
  const auto scores = in.csv(results::kScores);
  if (!scores) return;
  Curves curves = read_curves(in);
  const auto groups = by_model(*scores);
  const bool seeded = std::any_of(groups.begin(), groups.end(), [](const auto& g) { return g.second.size() > 1; });
  r.md << "\n## Accuracy (stage " << stage << ")\n";
  accuracy_table(r, stage, *scores, curves, level, seeded);
  robustness_plots(r, stage, curves, seeded);
  example_figures(r, in, curves, seeded);
}

void report_efficiency(report::Document& r, const ResultsOf& in) {
  const std::string& stage = in.stage();
  const auto e = in.csv(results::kEfficiency);
  if (!e || e->rows.empty()) return;
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < e->rows.size(); ++i)
    rows.push_back({e->rows[i][e->column("model")], e->rows[i][e->column("plugin")], fixed(e->number(i, "params") / 1e6, 3),
                    fixed(e->number(i, "MACs") / 1e9, 3), fixed(e->number(i, "latency_ms"), 2),
                    fixed(e->number(i, "latency_p90_ms"), 2)});
  r.md << "\n## Efficiency (stage " << stage << ")\n";
  r.table("Parameters, multiply-accumulates and batch-1 latency at " + e->rows[0][e->column("size")] + "x" +
              e->rows[0][e->column("size")] + " on " + e->rows[0][e->column("device")] + " with " +
              e->rows[0][e->column("threads")] + " threads" +
              (e->has_column("engine") ? ", " + e->rows[0][e->column("engine")] + " engine" : std::string()) + " (" +
              stage + "/efficiency.csv).",
          {"model", "plugin", "params (M)", "MACs (G)", "latency (ms, median)", "latency (ms, p90)"}, rows);
}

void report_training(report::Document& r, const std::vector<TrainingRun>& runs) {
  std::vector<std::vector<std::string>> rows;
  report::LinePlot validation{"validation mDS per epoch", "epoch", "mDS", {}, 0, 1};
  std::vector<std::pair<std::string, report::LinePlot>> losses;
  for (const auto& run : runs) {
    const auto m = run.results.csv(results::kMetrics);
    if (!m || m->rows.empty()) continue;
    const std::size_t first_term = m->column("step") + 1, last_term = m->column("train_loss");
    report::LinePlot loss{"loss terms per epoch (" + run.label + ")", "epoch", "loss (mean over the epoch)", {}, 0, 0};
    for (std::size_t c = first_term; c <= last_term; ++c) loss.series.push_back({m->header[c], {}, {}});
    report::PlotSeries val{run.label, {}, {}};
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
    rows.push_back({run.label, m->rows[last][m->column("epoch")],
                    best < 0 ? "–" : fixed(best, 4) + " (epoch " + fixed(best_epoch, 0) + ")",
                    val.y.empty() ? "–" : fixed(val.y.back(), 4), fixed(m->number(last, "train_loss"), 4),
                    fixed(seconds / 60.0, 1)});
    if (!val.x.empty()) validation.series.push_back(std::move(val));
    if (run.plot_losses) losses.emplace_back(run.label, std::move(loss));
  }
  if (rows.empty()) return;
  r.md << "\n## Training\n";
  r.table("Training stages (each stage's metrics.csv): epochs run, the best validation mDS (its checkpoint is best.pt), "
          "the last epoch's validation mDS and training loss, and the training time.",
          {"stage", "epochs", "best val mDS", "last val mDS", "last train loss", "minutes"}, rows);
  if (!validation.series.empty())
    r.plot("training_validation_mds.png", validation,
           "Validation mDS after every epoch, one line per training stage: how fast each method learns.");
  for (const auto& [label, loss] : losses) {
    std::string file = "training_" + label + "_loss.png";
    std::replace(file.begin(), file.end(), ' ', '_');
    r.plot(file, loss, "Loss terms of " + label + " per epoch (mean over each epoch's batches); train_loss is their sum.");
  }
}

}  // namespace crackkd::stages
