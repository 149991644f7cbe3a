// `crackkd preview PIPELINE`: one image of a dataset under each of the pipeline's noises
// at each level, as a PNG grid (row 0: the image and its mask; then one row per noise,
// one column per level), written to <workdir>/<pipeline>/preview.png. The corruption is
// the one the evaluate stage applies (same seed, noise, level and image).

#include "app/commands.hpp"
#include "app/host_setup.hpp"
#include "engine/training_data.hpp"
#include "pipeline/pipeline.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/transform.hpp>

#include <ATen/ATen.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <iostream>

namespace crackkd::app {

namespace {

cv::Mat to_bgr(const at::Tensor& image) {
  auto hwc = image.detach().to(at::kCPU).clamp(0, 1).mul(255).round().to(at::kByte);
  if (hwc.size(0) == 1) hwc = hwc.expand({3, hwc.size(1), hwc.size(2)});
  hwc = hwc.flip({0}).permute({1, 2, 0}).contiguous();  // RGB -> BGR, HWC
  return cv::Mat(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_8UC3, hwc.data_ptr()).clone();
}

void label(cv::Mat& tile, const std::string& text) {
  cv::rectangle(tile, {0, 0}, {tile.cols - 1, 16}, cv::Scalar(255, 255, 255), cv::FILLED);
  cv::putText(tile, text, {3, 12}, cv::FONT_HERSHEY_SIMPLEX, 0.4, cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
}

}  // namespace

int preview_command(const Common& common, const PreviewArgs& args) {
  auto host = scanned_host(common);
  auto pipeline = pipeline::load_pipeline(args.pipeline, args.overrides);
  if (pipeline.noises.empty())
    throw ConfigError({args.pipeline.string(), 0, 0}, "the pipeline has no [noises.*] to preview");
  std::string dataset_name = args.dataset.empty() ? pipeline.datasets.begin()->first : args.dataset;
  if (!pipeline.datasets.count(dataset_name))
    throw ConfigError({"--dataset " + dataset_name, 0, 0}, "no dataset '" + dataset_name + "' in " + args.pipeline.string());
  auto dataset = host->create<Dataset>("dataset", pipeline.datasets.at(dataset_name));
  if (args.index >= dataset->size())
    throw ConfigError({"--index", 0, 0}, "dataset " + dataset_name + " has " + std::to_string(dataset->size()) + " images");
  const Sample clean = dataset->get(args.index);

  std::vector<std::vector<cv::Mat>> rows;
  rows.push_back({to_bgr(clean.image), to_bgr(clean.mask)});
  label(rows[0][0], clean.id.substr(clean.id.find_last_of('/') + 1));
  label(rows[0][1], "mask");
  for (const auto& [name, config] : pipeline.noises) {
    std::vector<cv::Mat> row;
    for (double level : args.levels) {
      Rng rng = engine::evaluation_noise_stream(pipeline.options.seed, name, level, args.index);
      cv::Mat tile = to_bgr(engine::noise_at(*host, config, level)->apply(clean, rng).image);
      char text[64];
      std::snprintf(text, sizeof text, "%s %.0f%%", name.c_str(), level * 100);
      label(tile, text);
      row.push_back(tile);
    }
    rows.push_back(row);
  }
  const int tile_w = rows[0][0].cols, tile_h = rows[0][0].rows, gap = 4;
  std::size_t columns = 0;
  for (const auto& r : rows) columns = std::max(columns, r.size());
  cv::Mat grid(static_cast<int>(rows.size()) * (tile_h + gap) + gap, static_cast<int>(columns) * (tile_w + gap) + gap,
               CV_8UC3, cv::Scalar(40, 40, 40));
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c)
      rows[r][c].copyTo(grid(cv::Rect(gap + static_cast<int>(c) * (tile_w + gap), gap + static_cast<int>(r) * (tile_h + gap),
                                      tile_w, tile_h)));
  const auto out = args.out.empty() ? args.workdir / pipeline.options.name / "preview.png" : args.out;
  std::filesystem::create_directories(out.parent_path());
  if (!cv::imwrite(out.string(), grid)) throw Error("cannot write " + out.string());
  std::cout << "preview: " << out.string() << " (" << pipeline.noises.size() << " noises x " << args.levels.size()
            << " levels of " << clean.id << ")" << std::endl;
  return 0;
}

}  // namespace crackkd::app
