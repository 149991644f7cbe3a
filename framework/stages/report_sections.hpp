#pragma once
// The sections of a report.md (the `report` stage): each reads the files one earlier
// stage wrote and adds its tables and figures. With [pipeline] seeds a model's rows of
// several seeds become one, mean ± sample standard deviation.

#include "report/csv_table.hpp"
#include "report/document.hpp"
#include "stages/stage.hpp"

#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace crackkd::stages {

/// The result files of one stage (one replicate's folder) as the report reads them: only
/// through what its plan declares (ReportStage::link), so what it reads is what it says.
class ResultsOf {
 public:
  ResultsOf(const StageContext& ctx, std::string stage, std::string folder = "")
      : ctx_(ctx), stage_(std::move(stage)), folder_(std::move(folder)) {}
  const std::string& stage() const { return stage_; }
  /// Result `file` of the stage; nullopt when the stage does not write it. A file it writes
  /// that the report does not declare reading throws (a bug of the report).
  std::optional<std::filesystem::path> path(const std::string& file) const;
  /// The same file read as a table; nullopt also when it is not there (an older run).
  std::optional<report::CsvTable> csv(const std::string& file) const;

 private:
  const StageContext& ctx_;
  std::string stage_, folder_;
};

/// An evaluate stage's folder: accuracy table (mDS, mIoU, F1, ODS, OIS, AP, and mDS under
/// each noise at the scored level closest to `level`), one robustness plot per noise, the example grids.
void report_evaluation(report::Document& r, const ResultsOf& results, double level);

/// An evaluate stage's folder: the tolerance measures, clDice, clIoU, boundary F1 and the
/// crack-free images' figures, with intervals over images (scores.csv written since they exist).
void report_benchmark_measures(report::Document& r, const ResultsOf& results);

/// An evaluate stage's folder: each model's paired difference to `baseline` over the
/// seeds (mDS, ODS, AP clean; mDS under each noise at the level closest to `level`), when
/// the stage scored `baseline`.
void report_paired_differences(report::Document& r, const ResultsOf& results, const std::string& baseline,
                               double level);

/// A benchmark stage's folder: the efficiency table.
void report_efficiency(report::Document& r, const ResultsOf& results);

/// A training run: its label in tables and plots, its folder, and whether to draw its
/// loss terms (one plot per stage, not per seed).
struct TrainingRun {
  std::string label;
  ResultsOf results;
  bool plot_losses = true;
};

/// The training table, validation mDS per epoch of every run, loss terms per run.
void report_training(report::Document& r, const std::vector<TrainingRun>& runs);

}  // namespace crackkd::stages
