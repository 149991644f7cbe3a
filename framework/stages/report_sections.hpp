#pragma once
// The sections of a report.md (the `report` stage): each reads the files one earlier
// stage wrote and adds its tables and figures. With [pipeline] seeds a model's rows of
// several seeds become one, mean ± sample standard deviation.

#include "report/document.hpp"

#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace crackkd::stages {

/// An evaluate stage's folder: accuracy table (mDS, mIoU, F1, ODS, OIS, AP, and mDS under
/// each noise at the scored level closest to `level`), one robustness plot per noise, the example grids.
void report_evaluation(report::Document& r, const std::string& stage, const std::filesystem::path& dir, double level);

/// An evaluate stage's folder: the tolerance measures, clDice, clIoU, boundary F1 and the
/// crack-free images' figures, with intervals over images (scores.csv written since they exist).
void report_benchmark_measures(report::Document& r, const std::string& stage, const std::filesystem::path& dir);

/// An evaluate stage's folder: each model's paired difference to `baseline` over the
/// seeds (mDS, ODS, AP clean; mDS under each noise at the level closest to `level`), when
/// the stage scored `baseline`.
void report_paired_differences(report::Document& r, const std::string& stage, const std::filesystem::path& dir,
                               const std::string& baseline, double level);

/// A benchmark stage's folder: the efficiency table.
void report_efficiency(report::Document& r, const std::string& stage, const std::filesystem::path& dir);

/// A training run: its label in tables and plots, its folder, and whether to draw its
/// loss terms (one plot per stage, not per seed).
struct TrainingRun {
  std::string label;
  std::filesystem::path dir;
  bool plot_losses = true;
};

/// The training table, validation mDS per epoch of every run, loss terms per run.
void report_training(report::Document& r, const std::vector<TrainingRun>& runs);

}  // namespace crackkd::stages
