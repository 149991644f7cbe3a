// The report's table of the measures crack papers and crack benchmarks use (an evaluate
// stage's scores.csv: metrics/image_measures.hpp), with 95 % bootstrap intervals over
// images for a model scored once, and the crack-free images' false alarms when the data
// set has crack-free images.

#include "stages/report_sections.hpp"
#include "stages/stage_contract.hpp"

#include "report/csv_table.hpp"
#include "report/table_text.hpp"

#include <cmath>

namespace crackkd::stages {

namespace {

/// One model's cell: a single run with its interval "0.8123 (0.7901–0.8345)", several seeds
/// as mean ± std (each seed's own interval is in scores.csv).
std::string cell(const report::CsvTable& scores, const std::vector<std::size_t>& rows, const std::string& measure,
                 int digits = 4) {
  std::vector<double> values;
  for (auto i : rows) values.push_back(scores.number_or_nan(i, measure));
  if (rows.size() > 1) return report::over_seeds(values);
  std::string text = report::fixed(values[0], digits);
  if (scores.has_column(measure + "_low")) {
    const double low = scores.number_or_nan(rows[0], measure + "_low"), high = scores.number_or_nan(rows[0], measure + "_high");
    if (std::isfinite(low) && std::isfinite(high))
      text += " (" + report::fixed(low, digits) + "–" + report::fixed(high, digits) + ")";
  }
  return text;
}

bool any_crack_free(const report::CsvTable& scores) {
  for (std::size_t i = 0; i < scores.rows.size(); ++i)
    if (scores.number_or_nan(i, "crack_free_images") > 0) return true;
  return false;
}

}  // namespace

void report_benchmark_measures(report::Document& r, const ResultsOf& in) {
  const std::string& stage = in.stage();
  const auto scores = in.csv(results::kScores);
  if (!scores || !scores->has_column("F1_tol") || scores->rows.empty()) return;  // written before these measures
  const bool crack_free = any_crack_free(*scores);
  std::vector<std::string> measures{"mDS", "F1_tol", "ODS_tol", "OIS_tol", "AP_tol", "clDice", "clIoU", "BF"};
  std::vector<std::string> header{"model", "mDS", "F1", "ODS", "OIS", "AP", "clDice", "clIoU", "BF"};
  if (crack_free) {
    measures.insert(measures.end(), {"crack_free_with_crack", "crack_free_px_per_MP"});
    header.insert(header.end(), {"crack-free images", "with a crack", "crack px per MP"});
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& [model, indices] : report::by_model(*scores)) {
    std::vector<std::string> row{model};
    for (const auto& m : measures) {
      if (m == "crack_free_with_crack") row.push_back(scores->rows[indices[0]][scores->column("crack_free_images")]);
      row.push_back(cell(*scores, indices, m, m == "crack_free_px_per_MP" ? 1 : 4));
    }
    rows.push_back(std::move(row));
  }
  const auto& first = scores->rows[0];
  r.md << "\n## Crack measures with a tolerance (stage " << stage << ")\n";
  r.table(
      "The measures of crack papers and benchmarks (" + stage + "/scores.csv). F1, ODS, OIS and AP as in the accuracy "
      "table, but a predicted crack pixel counts as correct when an annotated one lies within " +
          first[scores->column("tolerance")] +
          " (Euclidean), and an annotated pixel as found when a predicted one does: annotators disagree by a pixel "
          "or two on cracks a few pixels wide. Every pixel within the tolerance counts (BSDS instead matches pixels "
          "one to one). clDice (Shit et al. 2021) is the harmonic mean of the predicted skeleton's share inside the "
          "annotated mask and the annotated skeleton's share inside the prediction, averaged over images; clIoU the "
          "centerline IoU of OmniCrack30k, skeleton pixels matched within " +
          first[scores->column("centerline_tolerance")] +
          " px, pooled over the data set; BF the F1 of the two masks' boundaries within the tolerance, averaged "
          "over images. An image with no crack and none predicted scores 1 in each; one side empty scores 0. " +
          (crack_free ? "On crack-free images (an empty mask): how many there are, the share where any crack is "
                        "predicted (after dropping specks under the stage's min_crack_area), and predicted crack "
                        "pixels per megapixel. "
                      : std::string()) +
          "In brackets, for a model scored once, the 95 % bootstrap interval over images (resampled with the "
          "same draws for every model); a model of several seeds shows mean ± std over them.",
      header, rows);
}

}  // namespace crackkd::stages
