// The report's paired comparison (option `baseline`): each model's difference to the
// baseline model seed by seed, on clean images (mDS, ODS, AP) and under each noise at the
// report's level (mDS), with a 95 % interval over the seeds; and Δ mDS with a 95 %
// bootstrap interval over images (per_image.csv): per image, the difference averaged over
// the seeds both have, the images resampled 1,000 times with a fixed seed.

#include "stages/report_sections.hpp"
#include "stages/stage_contract.hpp"

#include "metrics/dataset_measures.hpp"
#include "report/csv_table.hpp"
#include "report/paired_difference.hpp"
#include "report/table_text.hpp"

#include <cmath>
#include <map>

namespace crackkd::stages {

namespace fs = std::filesystem;

namespace {

/// measure → model → seed → value.
using SeedValues = std::map<std::string, std::map<std::string, std::map<std::string, double>>>;

void read_clean(const report::CsvTable& scores, const std::vector<std::string>& measures, SeedValues& values) {
  for (std::size_t i = 0; i < scores.rows.size(); ++i)
    for (const auto& m : measures)
      values[m][scores.rows[i][scores.column("model")]][scores.rows[i][scores.column("seed")]] = scores.number_or_nan(i, m);
}

/// "mDS <noise>" at the scored level closest to `level`, per noise in file order.
std::vector<std::string> read_noisy(const report::CsvTable& robustness, double level, SeedValues& values) {
  std::map<std::string, double> closest;  // noise → level
  std::vector<std::string> noises;
  for (std::size_t i = 0; i < robustness.rows.size(); ++i) {
    const auto& noise = robustness.rows[i][robustness.column("noise")];
    const double l = robustness.number(i, "level");
    if (!closest.count(noise)) noises.push_back(noise), closest[noise] = l;
    else if (std::abs(l - level) < std::abs(closest[noise] - level)) closest[noise] = l;
  }
  std::vector<std::string> measures;
  for (const auto& n : noises) measures.push_back("mDS " + n + " " + report::percent(closest[n]));
  for (std::size_t i = 0; i < robustness.rows.size(); ++i) {
    const auto& noise = robustness.rows[i][robustness.column("noise")];
    if (robustness.number(i, "level") != closest[noise]) continue;
    values["mDS " + noise + " " + report::percent(closest[noise])][robustness.rows[i][robustness.column("model")]]
          [robustness.rows[i][robustness.column("seed")]] = robustness.number(i, "mDS");
  }
  return measures;
}

/// model → seed → image → Dice (per_image.csv).
using ImageDice = std::map<std::string, std::map<std::string, std::map<std::string, double>>>;

ImageDice read_image_dice(const report::CsvTable& per_image) {
  ImageDice dice;
  for (std::size_t i = 0; i < per_image.rows.size(); ++i) {
    const auto& row = per_image.rows[i];
    dice[row[per_image.column("model")]][row[per_image.column("seed")]][row[per_image.column("image")]] =
        per_image.number(i, "dice");
  }
  return dice;
}

/// Δ mDS of `model` over `baseline` and its 95 % bootstrap interval over images.
std::string image_interval_text(ImageDice& dice, const std::string& model, const std::string& baseline) {
  std::map<std::string, std::vector<double>> per_image;  // image → the seeds' differences
  for (const auto& [seed, images] : dice[model]) {
    if (!dice[baseline].count(seed)) continue;
    for (const auto& [image, value] : images)
      if (dice[baseline][seed].count(image)) per_image[image].push_back(value - dice[baseline][seed][image]);
  }
  std::vector<double> differences;
  for (const auto& [image, values] : per_image) differences.push_back(report::mean_of(values));
  if (differences.empty()) return "–";
  std::vector<double> means;
  for (const auto& draw : metrics::bootstrap_draws(differences.size(), 1000, 0)) {
    double sum = 0;
    for (auto i : draw) sum += differences[i];
    means.push_back(sum / static_cast<double>(draw.size()));
  }
  const auto interval = metrics::percentile_interval(std::move(means));
  const auto sign = [](double v) { return (v >= 0 ? "+" : "") + report::fixed(v, 4); };
  return sign(report::mean_of(differences)) + " (" + sign(interval.low) + ", " + sign(interval.high) + ")";
}

}  // namespace

void report_paired_differences(report::Document& r, const ResultsOf& in, const std::string& baseline, double level) {
  const std::string& stage = in.stage();
  const auto scores = in.csv(results::kScores);
  if (!scores) return;
  std::vector<std::string> measures{"mDS"};
  for (const char* m : {"ODS", "AP"})
    if (scores->has_column(m)) measures.push_back(m);
  SeedValues values;
  read_clean(*scores, measures, values);
  if (!values["mDS"].count(baseline)) return;  // this stage did not score the baseline
  if (const auto robustness = in.csv(results::kRobustness))
    for (auto& m : read_noisy(*robustness, level, values)) measures.push_back(std::move(m));

  const auto per_image = in.csv(results::kPerImage);
  ImageDice dice = per_image ? read_image_dice(*per_image) : ImageDice{};
  std::vector<std::string> header{"model", "pairs"};
  for (const auto& m : measures) header.push_back("Δ " + m);
  if (per_image) header.push_back("Δ mDS, interval over images");
  std::vector<std::vector<std::string>> rows;
  for (const auto& [model, indices] : report::by_model(*scores)) {
    if (model == baseline) continue;
    const std::size_t pairs = report::paired_difference(values["mDS"][model], values["mDS"][baseline]).pairs;
    if (pairs == 0) continue;  // a checkpoint file, or seeds the baseline lacks
    std::vector<std::string> row{model, std::to_string(pairs)};
    for (const auto& m : measures)
      row.push_back(report::difference_text(report::paired_difference(values[m][model], values[m][baseline])));
    if (per_image) row.push_back(image_interval_text(dice, model, baseline));
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return;
  r.md << "\n## Paired differences to " << baseline << " (stage " << stage << ")\n";
  r.table("Each model minus " + baseline + ", seed by seed (stages sharing a `stream` start from the same weights "
              "and see the same data for a seed), then the mean over the seeds and its 95 % interval (Student's t); "
              "an interval that leaves out 0 is a difference these seeds resolve. Clean images from " + stage +
              "/scores.csv, noisy ones from " + stage + "/robustness.csv." +
              (per_image ? " The last column resamples the images instead (" + stage +
                               "/per_image.csv): per image the difference in Dice averaged over the seeds, its mean "
                               "and 95 % bootstrap interval over 1,000 resamples; an interval that leaves out 0 is "
                               "a difference these images resolve, for these seeds."
                         : std::string()),
          header, rows);
}

}  // namespace crackkd::stages
