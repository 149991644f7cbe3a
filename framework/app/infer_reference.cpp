#include "app/infer_reference.hpp"

#include "evaluation/measure_columns.hpp"
#include "io/csv_writer.hpp"
#include "metrics/dataset_measures.hpp"
#include "runtime/result_files.hpp"

#include <crackkd/error.hpp>
#include <crackkd/exif_orientation.hpp>
#include <crackkd/file_pairing.hpp>

#include <spdlog/spdlog.h>
#include <torch/torch.h>

namespace crackkd::app {

namespace fs = std::filesystem;

namespace {

constexpr const char* kWho = "infer --reference";

MaskOptions mask_options_of(const InferArgs& args) {
  MaskOptions o;
  o.values = args.mask_values;
  return o;
}

}  // namespace

ReferenceScoring::ReferenceScoring(const InferArgs& args, const std::vector<fs::path>& photos)
    : args_(args), mask_options_(mask_options_of(args)) {
  std::error_code ec;
  if (!fs::is_directory(args.reference, ec))
    throw Error(std::string(kWho) + ": " + args.reference.string() + " is not a folder of masks");
  const PairingRules rules{kWho, "--mask-suffix", /*every_mask_used=*/false};
  std::vector<fs::path> masks;
  for (const auto& pair : pair_masks(photos, "the inputs", args.reference, args.mask_suffix, rules)) {
    mask_of_[pair.image] = pair.mask;
    masks.push_back(pair.mask);
  }
  rule_ = mask_rule(masks, mask_options_, args.reference.string(), kWho);
  measure_options_.tolerance.value = args.tolerance;
  measure_options_.min_crack_area = args.min_crack_area;
}

void ReferenceScoring::score(const fs::path& photo, const at::Tensor& probability, double threshold) {
  const fs::path& file = mask_of_.at(photo);
  const cv::Mat crack = crack_pixels(read_mask_level(file, mask_options_.color, kWho), rule_);
  const auto rows = probability.size(0), cols = probability.size(1);
  if (crack.rows != rows || crack.cols != cols) {
    const int o = exif_orientation(photo);
    throw Error(std::string(kWho) + ": mask " + file.string() + " is " + std::to_string(crack.cols) + "x" +
                std::to_string(crack.rows) + " but photo " + photo.string() + " is " + std::to_string(cols) + "x" +
                std::to_string(rows) + " (width x height" +
                (o != 1 ? ", upright as its EXIF orientation " + std::to_string(o) + " shows it: draw the mask on the upright photo"
                        : "") +
                ")");
  }
  const auto truth = torch::from_blob(crack.data, {1, 1, rows, cols}, torch::kByte).to(torch::kFloat);
  // Logits in double, as the evaluate stage thresholds them: p > t exactly when logit(p) > logit(t).
  const auto logits = at::logit(probability.to(torch::kCPU, torch::kDouble)).reshape({1, 1, rows, cols});
  metrics::MeasureOptions options = measure_options_;
  options.threshold = threshold;
  records_.push_back(std::move(metrics::measure_images(logits, truth, options).front()));
  photos_.push_back(photo.string());
}

void ReferenceScoring::write(const std::string& model_file, double threshold, const std::string& threshold_from) const {
  io::CsvWriter per_image(args_.out / results::kPerImage, evaluation::image_measure_columns({"image"}));
  for (std::size_t i = 0; i < records_.size(); ++i)
    per_image.row_of_texts(evaluation::image_measure_texts({photos_[i]}, records_[i]));
  io::CsvWriter scores(args_.out / results::kScores,
                           evaluation::dataset_measure_columns({"model", "threshold", "threshold_from", "masks"}));
  const auto d = metrics::summarize(records_);
  const auto draws = metrics::bootstrap_draws(records_.size(), static_cast<std::size_t>(args_.bootstrap), 0);
  scores.row_of_texts(evaluation::dataset_measure_texts(
      {model_file, io::CsvWriter::text(threshold), threshold_from, args_.reference.string()}, d, measure_options_,
      metrics::bootstrap_intervals(records_, draws)));
  per_image.commit();
  scores.commit();
  spdlog::info("infer: against the masks of {} ({} photos): mDS {:.4f} mIoU {:.4f} F1 {:.4f}; within {}: F1 {:.4f}; "
               "clDice {:.4f} clIoU {:.4f} BF {:.4f} -> {}",
               args_.reference.string(), d.images, d.mds, d.miou, d.f1, measure_options_.tolerance.describe(), d.f1_tol,
               d.cl_dice, d.cl_iou, d.boundary_f1, (args_.out / results::kScores).string());
}

}  // namespace crackkd::app
