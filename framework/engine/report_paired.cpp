// The report's paired comparison (option `baseline`): each model's difference to the
// baseline model seed by seed, on clean images (mDS, ODS, AP) and under each noise at the
// report's level (mDS), with a 95 % interval over the seeds.

#include "engine/report_sections.hpp"
#include "engine/stage_contract.hpp"

#include "report/csv_table.hpp"
#include "report/paired_difference.hpp"
#include "report/table_text.hpp"

#include <cmath>
#include <map>

namespace crackkd::engine {

namespace fs = std::filesystem;

namespace {

/// measure → model → seed → value.
using SeedValues = std::map<std::string, std::map<std::string, std::map<std::string, double>>>;

void read_clean(const report::CsvTable& scores, const std::vector<std::string>& measures, SeedValues& values) {
  for (std::size_t i = 0; i < scores.rows.size(); ++i)
    for (const auto& m : measures)
      values[m][scores.rows[i][scores.column("model")]][scores.rows[i][scores.column("seed")]] = scores.number(i, m);
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

}  // namespace

void report_paired_differences(Report& r, const std::string& stage, const fs::path& dir, const std::string& baseline,
                               double level) {
  const auto scores = report::read_csv_if_present(dir / results::kScores);
  if (!scores) return;
  std::vector<std::string> measures{"mDS"};
  for (const char* m : {"ODS", "AP"})
    if (scores->has_column(m)) measures.push_back(m);
  SeedValues values;
  read_clean(*scores, measures, values);
  if (!values["mDS"].count(baseline)) return;  // this stage did not score the baseline
  if (const auto robustness = report::read_csv_if_present(dir / results::kRobustness))
    for (auto& m : read_noisy(*robustness, level, values)) measures.push_back(std::move(m));

  std::vector<std::string> header{"model", "pairs"};
  for (const auto& m : measures) header.push_back("Δ " + m);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [model, indices] : report::by_model(*scores)) {
    if (model == baseline) continue;
    const std::size_t pairs = report::paired_difference(values["mDS"][model], values["mDS"][baseline]).pairs;
    if (pairs == 0) continue;  // a checkpoint file, or seeds the baseline lacks
    std::vector<std::string> row{model, std::to_string(pairs)};
    for (const auto& m : measures)
      row.push_back(report::difference_text(report::paired_difference(values[m][model], values[m][baseline])));
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return;
  r.md << "\n## Paired differences to " << baseline << " (stage " << stage << ")\n";
  r.table("Each model minus " + baseline + ", seed by seed (stages sharing a `stream` start from the same weights "
              "and see the same data for a seed), then the mean over the seeds and its 95 % interval (Student's t); "
              "an interval that leaves out 0 is a difference these seeds resolve. Clean images from " + stage +
              "/scores.csv, noisy ones from " + stage + "/robustness.csv.",
          header, rows);
}

}  // namespace crackkd::engine
