// `crackkd preview PIPELINE`: one image of a dataset under each of the pipeline's noises
// at each level, as a PNG grid (row 0: the image and its mask; then one row per noise,
// one column per level), written to <workdir>/<pipeline>/preview.png. The corruption is
// the one the evaluate stage applies (same seed, noise, level and image).

#include "app/commands.hpp"
#include "app/host_setup.hpp"
#include "pipeline/pipeline.hpp"
#include "report/image_grid.hpp"
#include "training/training_data.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/noise.hpp>
#include <crackkd/transform.hpp>

#include <ATen/ATen.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <iostream>

namespace crackkd::app {

using report::compose_grid;
using report::label_tile;
using report::to_bgr;

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
  label_tile(rows[0][0], clean.id.substr(clean.id.find_last_of('/') + 1));
  label_tile(rows[0][1], "mask");
  for (const auto& [name, config] : pipeline.noises) {
    const auto noise = host->create<Noise>("noise", config);
    std::vector<cv::Mat> row;
    for (double level : args.levels) {
      Rng rng = data::evaluation_noise_stream(pipeline.options.seed, name, level, args.index);
      cv::Mat tile = to_bgr(noise->apply(clean, level, rng).image);
      char text[64];
      std::snprintf(text, sizeof text, "%s %.0f%%", name.c_str(), level * 100);
      label_tile(tile, text);
      row.push_back(tile);
    }
    rows.push_back(row);
  }
  const cv::Mat grid = compose_grid(rows);
  const auto out = args.out.empty() ? args.workdir / pipeline.options.name / "preview.png" : args.out;
  std::filesystem::create_directories(out.parent_path());
  report::write_png(out, grid);
  std::cout << "preview: " << out.string() << " (" << pipeline.noises.size() << " noises x " << args.levels.size()
            << " levels of " << clean.id << ")" << std::endl;
  return 0;
}

}  // namespace crackkd::app
