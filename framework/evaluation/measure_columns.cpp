#include "evaluation/measure_columns.hpp"

#include "io/csv_writer.hpp"

#include <spdlog/fmt/fmt.h>

#include <cmath>
#include <iterator>

namespace crackkd::evaluation {

namespace {

std::string figure_text(double v, bool per_megapixel = false) {
  if (!per_megapixel || std::isnan(v)) return io::CsvWriter::text(io::Score{v});
  return fmt::format("{:.1f}", v);
}

/// `leading`, then `rest`.
std::vector<std::string> joined(std::vector<std::string> leading, std::vector<std::string> rest) {
  leading.insert(leading.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  return leading;
}

}  // namespace

std::vector<std::string> dataset_measure_columns(std::vector<std::string> leading) {
  std::vector<std::string> h = {"images", "mDS", "mIoU", "precision", "recall", "F1", "ODS", "ODS_threshold", "OIS",
                                "AP", "tolerance", "precision_tol", "recall_tol", "F1_tol", "ODS_tol",
                                "ODS_tol_threshold", "OIS_tol", "AP_tol", "clDice", "clIoU", "centerline_tolerance",
                                "BF", "crack_free_images", "crack_free_with_crack", "crack_free_px_per_MP"};
  for (const auto& m : metrics::interval_measures())
    for (const char* end : {"_low", "_high"}) h.push_back(m.name + std::string(end));
  return joined(std::move(leading), std::move(h));
}

std::vector<std::string> dataset_measure_texts(std::vector<std::string> leading, const metrics::DatasetMeasures& d,
                                               const metrics::MeasureOptions& o,
                                               const std::vector<metrics::Interval>& intervals) {
  const auto f = [](double v) { return figure_text(v); };
  std::vector<std::string> row = {std::to_string(d.images), f(d.mds), f(d.miou), f(d.precision), f(d.recall), f(d.f1),
                                  f(d.ods), io::CsvWriter::text(d.ods_threshold), f(d.ois), f(d.ap),
                                  o.tolerance.describe(), f(d.precision_tol), f(d.recall_tol), f(d.f1_tol),
                                  f(d.ods_tol), io::CsvWriter::text(d.ods_tol_threshold), f(d.ois_tol), f(d.ap_tol),
                                  f(d.cl_dice), f(d.cl_iou), io::CsvWriter::text(o.centerline_tolerance),
                                  f(d.boundary_f1), io::CsvWriter::text(d.crack_free_images),
                                  f(d.crack_free_with_crack), figure_text(d.crack_free_pixels_per_mp, true)};
  const auto& measures = metrics::interval_measures();
  for (std::size_t k = 0; k < measures.size(); ++k) {
    const bool per_mp = measures[k].value == &metrics::DatasetMeasures::crack_free_pixels_per_mp;
    const bool drawn = k < intervals.size();
    row.push_back(figure_text(drawn ? intervals[k].low : NAN, per_mp));
    row.push_back(figure_text(drawn ? intervals[k].high : NAN, per_mp));
  }
  return joined(std::move(leading), std::move(row));
}

std::vector<std::string> image_measure_columns(std::vector<std::string> leading) {
  return joined(std::move(leading), {"dice", "iou", "precision", "recall", "F1", "precision_tol", "recall_tol", "F1_tol", "clDice", "clIoU", "BF"});
}

std::vector<std::string> image_measure_texts(std::vector<std::string> leading, const metrics::ImageMeasures& m) {
  const auto f = [](double v) { return io::CsvWriter::text(io::Score{v}); };
  return joined(std::move(leading),
                {f(m.exact.dice), f(m.exact.iou), f(m.exact.counts.precision()), f(m.exact.counts.recall()),
                 f(m.exact.counts.f1()), f(m.tolerant.precision()), f(m.tolerant.recall()), f(m.tolerant.f1()),
                 f(m.cl_dice), f(m.centerline.iou()), f(m.boundary.f1())});
}

}  // namespace crackkd::evaluation
