#pragma once
// The sections of a report.md (the `report` stage): each reads the files one earlier
// stage wrote and adds its tables and figures. With [pipeline] seeds a model's rows of
// several seeds become one, mean ± sample standard deviation.

#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace crackkd::report {
struct LinePlot;
}

namespace crackkd::stages {

/// Builds report.md section by section, numbering tables and figures.
class Report {
 public:
  explicit Report(std::filesystem::path folder) : folder_(std::move(folder)) {}
  std::ostringstream md;

  void table(const std::string& caption, const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows);
  /// Draws `plot` into the report's folder as `file` and shows it.
  void plot(const std::string& file, const report::LinePlot& plot, const std::string& caption);
  void figure(const std::string& file, const std::string& caption);
  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
  int tables_ = 0, figures_ = 0;
};

/// An evaluate stage's folder: accuracy table (mDS, mIoU, F1, ODS, OIS, AP, and mDS under
/// each noise at the scored level closest to `level`), one robustness plot per noise, the example grids.
void report_evaluation(Report& r, const std::string& stage, const std::filesystem::path& dir, double level);

/// An evaluate stage's folder: the tolerance measures, clDice, clIoU, boundary F1 and the
/// crack-free images' figures, with intervals over images (scores.csv written since they exist).
void report_crack_measures(Report& r, const std::string& stage, const std::filesystem::path& dir);

/// An evaluate stage's folder: each model's paired difference to `baseline` over the
/// seeds (mDS, ODS, AP clean; mDS under each noise at the level closest to `level`), when
/// the stage scored `baseline`.
void report_paired_differences(Report& r, const std::string& stage, const std::filesystem::path& dir,
                               const std::string& baseline, double level);

/// A benchmark stage's folder: the efficiency table.
void report_efficiency(Report& r, const std::string& stage, const std::filesystem::path& dir);

/// A training run: its label in tables and plots, its folder, and whether to draw its
/// loss terms (one plot per stage, not per seed).
struct TrainingRun {
  std::string label;
  std::filesystem::path dir;
  bool plot_losses = true;
};

/// The training table, validation mDS per epoch of every run, loss terms per run.
void report_training(Report& r, const std::vector<TrainingRun>& runs);

}  // namespace crackkd::stages
