// `crackkd infer --model FILE INPUT… --out DIR [--engine frozen|eager]`: a trained model
// on photos of any size. FILE is a checkpoint or a `crackkd export` TorchScript file
// (inference/inference_model.hpp); by default the frozen, inference-optimised graph runs.
// INPUTs are image files or folders (their images, not recursing). For each photo
// it writes <name>_probability.png (crack probability x 255, or x 65535 with
// --probability-bits 16), <name>_mask.png (the thresholded map) and <name>_overlay.png
// (cracks tinted and outlined in red over the photo, each labelled with its id and
// maximum width), <name>_cracks.geojson and .dxf (measurement/
// crack_files.hpp), one row of summary.csv (size, crack area, number of cracks, total
// length, mean and maximum width) and a row per crack in cracks.csv
// (measurement/crack_table.hpp), the widths measured on the probability map
// (measurement/crack_objects.hpp); in pixels and, given a scale (--mm-per-px, a
// --scale-file or an ArUco marker in the photo: app/photo_scales.hpp), in millimetres.
// With --reference MASKS the photos are also scored against their masks as an evaluate
// stage scores a data set: per_image.csv and scores.csv (app/infer_reference.hpp).
// Large photos are split into overlapping tiles (inference/tiled_prediction.hpp). A photo
// that cannot be read is named on stderr and skipped; the rest are processed, and the
// exit code is then 1, as it is when a photo's scale was asked for and not found.

#include "app/commands.hpp"
#include "app/host_setup.hpp"
#include "app/infer_reference.hpp"
#include "app/photo_files.hpp"
#include "app/photo_scales.hpp"
#include "inference/inference_model.hpp"
#include "inference/tiled_prediction.hpp"
#include "io/csv_writer.hpp"
#include "measurement/crack_files.hpp"
#include "measurement/crack_objects.hpp"
#include "measurement/crack_table.hpp"
#include "report/image_grid.hpp"
#include "runtime/device.hpp"
#include "runtime/interrupt.hpp"
#include "runtime/progress.hpp"

#include <crackkd/exif_orientation.hpp>

#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <set>

namespace crackkd::app {

namespace {

namespace fs = std::filesystem;

/// The photo upright, as viewers show it (its EXIF orientation applied, said once per
/// photo), so its mask and overlay lie over it as its user sees it; the folder dataset
/// reads training photos the same way.
cv::Mat read_photo(const fs::path& file) {
  if (const int o = exif_orientation(file); o != 1)
    spdlog::info("infer: {} carries EXIF orientation {} ({}): segmented upright, as viewers show it", file.string(), o,
                 exif_orientation_text(o));
  try {
    return cv::imread(file.string(), cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    return {};
  }
}

/// The probability map as a grey PNG's pixels: probability x 255 in 8 bits, or x 65535 in
/// 16 (1.5e-5 apart: fine enough to compare runtimes within 1e-3).
cv::Mat probability_image(const at::Tensor& probability, int bits) {
  const double top = bits == 16 ? 65535 : 255;
  const auto type = bits == 16 ? torch::kInt32 : torch::kByte;
  const auto levels = probability.mul(top).round().clamp(0, top).to(type).to(torch::kCPU).contiguous();
  cv::Mat image;
  cv::Mat(static_cast<int>(levels.size(0)), static_cast<int>(levels.size(1)), bits == 16 ? CV_32SC1 : CV_8UC1,
          levels.data_ptr())
      .convertTo(image, bits == 16 ? CV_16UC1 : CV_8UC1);
  return image;
}

/// The photo with its cracks tinted red (30 %: the crack stays visible under it) and
/// outlined in red just outside their edge, each labelled with its id and maximum width at
/// its widest point.
cv::Mat overlay_of(const cv::Mat& photo, const cv::Mat& mask, const std::vector<measurement::CrackObject>& cracks,
                   const measurement::PhotoScale& scale) {
  const cv::Scalar red(0, 0, 255);
  cv::Mat overlay = photo.clone(), tinted, grown;
  cv::addWeighted(photo, 0.7, cv::Mat(photo.size(), photo.type(), red), 0.3, 0, tinted);
  tinted.copyTo(overlay, mask);
  cv::dilate(mask, grown, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  overlay.setTo(red, grown & ~mask);
  const double font_scale = std::max(0.4, std::min(photo.cols, photo.rows) / 1200.0);
  const int thickness = std::max(1, static_cast<int>(std::lround(font_scale * 2)));
  for (const auto& c : cracks) {
    char width[32];
    if (scale.known()) std::snprintf(width, sizeof width, "%.2f mm", c.max_width_px * scale.mm_per_px);
    else std::snprintf(width, sizeof width, "%.1f px", c.max_width_px);
    const cv::Point at(static_cast<int>(c.max_width_at.x) + 6, static_cast<int>(c.max_width_at.y) - 6);
    const std::string label = std::to_string(c.id) + ": " + std::string(width);
    cv::putText(overlay, label, at, cv::FONT_HERSHEY_SIMPLEX, font_scale, cv::Scalar(0, 0, 0), thickness + 2, cv::LINE_AA);
    cv::putText(overlay, label, at, cv::FONT_HERSHEY_SIMPLEX, font_scale, cv::Scalar(0, 255, 255), thickness, cv::LINE_AA);
  }
  return overlay;
}

/// The tiling contract (inference/tiled_prediction.hpp): --tile square tiles for a
/// checkpoint, the exported size for a fixed-shape export; the overlap given, else the
/// export's, else 64.
inference::TileOptions tile_options(const InferArgs& args, const inference::InferenceModel& model) {
  inference::TileOptions tiles{args.tile, 0, model.stride, args.batch, args.tile_width, /*full_tiles=*/true};
  if (model.tile_height > 0) {
    if (args.tile_given)
      spdlog::warn("infer: --tile ignored: {} takes tiles of {}x{} (width x height) only", model.description,
                   model.tile_width, model.tile_height);
    tiles.tile = model.tile_height, tiles.tile_width = model.tile_width;
  }
  const std::int64_t shorter = std::min(tiles.tile, inference::tile_width_of(tiles));
  tiles.overlap = args.overlap >= 0        ? args.overlap
                  : model.tile_overlap >= 0 ? model.tile_overlap
                                            : inference::default_overlap(shorter, model.stride);
  inference::check_tile_options(tiles);
  return tiles;
}

/// The columns of summary.csv: the measurements, then what made them (the model file,
/// the threshold and where it was recorded, the scale, its source and spread), so a row
/// can be signed off alone.
std::vector<std::string> summary_header(bool mm) {
  std::vector<std::string> header{"image",  "width",     "height",        "crack_area_px", "crack_fraction",
                                  "cracks", "length_px", "mean_width_px", "max_width_px",  "seconds"};
  if (mm) header.insert(header.end(), {"crack_area_mm2", "length_mm", "mean_width_mm", "max_width_mm"});
  header.insert(header.end(), {"model", "threshold", "threshold_from"});
  if (mm)
    for (const auto& c : PhotoScales::summary_columns()) header.push_back(c);
  return header;
}

std::string model_file_text(const InferArgs& args) { return fs::absolute(args.model).lexically_normal().string(); }

/// A photo's summary.csv row (summary_header's columns).
std::vector<std::string> summary_row(const InferArgs& args, const fs::path& photo, cv::Size size,
                                     const measurement::CrackTotals& m, double seconds, bool mm,
                                     const measurement::PhotoScale& scale, double threshold,
                                     const std::string& threshold_from) {
  using W = io::CsvWriter;
  const double fraction = static_cast<double>(m.area_px) / (static_cast<double>(size.height) * size.width);
  std::vector<std::string> row{photo.string(),    W::text(size.width),      W::text(size.height),
                               W::text(m.area_px), W::text(fraction),        W::text(m.cracks),
                               W::text(m.length_px), W::text(m.mean_width_px), W::text(m.max_width_px),
                               W::text(seconds)};
  const double s = scale.mm_per_px;
  if (mm)
    for (const double v : {static_cast<double>(m.area_px) * s * s, m.length_px * s, m.mean_width_px * s, m.max_width_px * s})
      row.push_back(scale.known() ? W::text(v) : "");
  row.insert(row.end(), {model_file_text(args), W::text(threshold), threshold_from});
  if (mm)
    for (auto& c : PhotoScales::summary_cells(scale)) row.push_back(std::move(c));
  return row;
}

/// One photo through the model: its three PNGs written, its summary.csv row added.
struct Segmenter {
  const InferArgs& args;
  const inference::InferenceModel& model;
  inference::TileOptions tiles;
  c10::Device device;
  double threshold;
  std::string threshold_from;
  ReferenceScoring* reference;  ///< null without --reference
  io::CsvWriter& cracks;
  PhotoScales& scales;
};

void segment_photo(const Segmenter& with, const cv::Mat& bgr, const fs::path& photo, const std::string& name,
                   io::CsvWriter& summary) {
  const auto& [args, model, tiles, device, threshold, threshold_from, reference, cracks, scales] = with;
  const auto started = std::chrono::steady_clock::now();
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  const auto image = torch::from_blob(rgb.data, {1, rgb.rows, rgb.cols, 3}, torch::kByte)
                         .to(device)
                         .permute({0, 3, 1, 2})
                         .to(torch::kFloat)
                         .div(255.0);
  const auto probability = inference::predict_probabilities(model.logits, image, tiles).squeeze();
  if (reference) reference->score(photo, probability, threshold);
  const auto crack = probability.gt(threshold).to(torch::kByte).mul(255).to(torch::kCPU).contiguous();
  cv::Mat mask(rgb.rows, rgb.cols, CV_8UC1, crack.data_ptr());
  const auto scale = scales.of(photo, photo, bgr, mask.size());
  measurement::erase_markers(mask, scale);  // a marker's black square is no crack
  report::write_png(args.out / (name + "_probability.png"), probability_image(probability, args.probability_bits));
  report::write_png(args.out / (name + "_mask.png"), mask);
  const auto probability_cpu = probability.to(torch::kCPU, torch::kFloat).contiguous();
  const cv::Mat probability_map(rgb.rows, rgb.cols, CV_32FC1, probability_cpu.data_ptr());
  measurement::CrackObjectOptions crack_options;
  crack_options.threshold = threshold, crack_options.min_length_px = args.min_length;
  const auto objects = measurement::crack_objects(mask, probability_map, crack_options);
  const bool mm = scales.millimetres();
  for (const auto& row : measurement::crack_table_rows(photo.string(), objects, mm, scale, args.scale.width_classes))
    cracks.row_of_texts(row);
  measurement::write_crack_files(args.out, name, photo.string(), mask.size(), objects, scale);
  report::write_png(args.out / (name + "_overlay.png"), overlay_of(bgr, mask, objects, scale));
  const auto m = measurement::totals_of(mask, objects);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  summary.row_of_texts(summary_row(args, photo, bgr.size(), m, seconds, mm, scale, threshold, threshold_from));
}

}  // namespace

int infer_command(const Common& common, const InferArgs& args) {
  const auto photos = collect_images(args.inputs, args.out, "infer");
  if (photos.empty()) throw Error("infer: no images to process");
  PhotoScales scales(args.scale, photos, "infer");
  std::optional<ReferenceScoring> reference;  // its masks checked before the model runs
  if (!args.reference.empty()) reference.emplace(args, photos);
  auto host = scanned_host(common);
  const auto device = runtime::resolve_device(args.device);
  const auto model = inference::load_inference_model(args.model, *host, device, inference::engine_named(args.engine));
  const auto tiles = tile_options(args, model);
  const double threshold = args.threshold >= 0 ? args.threshold : model.threshold;
  const std::string threshold_from = args.threshold >= 0 ? "--threshold" : model.threshold_from;
  fs::create_directories(args.out);
  spdlog::info("infer: {} on {} images, {}, tiles {}x{} px overlapping {} px{}, threshold {} (from {})",
               model.description, photos.size(), device.str(), inference::tile_width_of(tiles), tiles.tile, tiles.overlap,
               args.overlap < 0 && model.tile_overlap >= 0 ? " (the export's)" : "", threshold, threshold_from);
  io::CsvWriter summary(args.out / "summary.csv", summary_header(scales.millimetres()));
  io::CsvWriter cracks(args.out / "cracks.csv", measurement::crack_table_header(scales.millimetres()));
  torch::InferenceMode inference;
  std::vector<std::string> skipped;
  std::set<std::string> used;
  runtime::Progress progress("infer", photos.size());
  for (const auto& photo : photos) {
    runtime::throw_if_interrupted("infer (summary.csv not written; the images done so far are in " + args.out.string() + ")");
    const cv::Mat bgr = read_photo(photo);
    if (bgr.empty()) {
      spdlog::error("infer: skipping {}: not a readable image", photo.string());
      skipped.push_back(photo.string());
      progress.advance();
      continue;
    }
    segment_photo({args, model, tiles, device, threshold, threshold_from, reference ? &*reference : nullptr, cracks, scales}, bgr,
                  photo, unique_stem(photo, used), summary);
    progress.advance(photo.filename().string());
  }
  progress.finish();
  summary.commit();
  cracks.commit();
  if (reference) reference->write(model_file_text(args), threshold, threshold_from);
  std::cout << "infer: " << photos.size() - skipped.size() << " of " << photos.size() << " images -> "
            << (args.out / "summary.csv").string() << std::endl;
  const int unscaled = scales.unscaled_exit_code();
  return std::max(exit_code_naming(skipped, "image"), unscaled);
}

}  // namespace crackkd::app
