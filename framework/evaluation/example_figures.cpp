#include "evaluation/example_figures.hpp"

#include "data/batching.hpp"
#include "data/random_streams.hpp"
#include "report/image_grid.hpp"
#include "runtime/result_files.hpp"

#include <torch/torch.h>

namespace crackkd::evaluation {

std::vector<std::size_t> example_indices(std::size_t size, std::size_t count) {
  std::vector<std::size_t> indices;
  count = std::min(count, size);
  for (std::size_t k = 0; k < count; ++k) indices.push_back(k * size / count);
  return indices;
}

void write_example_grid(const std::filesystem::path& png, const std::vector<Sample>& samples,
                        const std::vector<std::pair<std::string, SegmentationModel*>>& models, c10::Device device,
                        double threshold) {
  torch::NoGradGuard no_grad;
  std::vector<std::vector<cv::Mat>> rows;
  for (const auto& s : samples) {
    std::vector<cv::Mat> row{report::to_bgr(s.image), report::to_bgr(s.mask)};
    report::label_tile(row[0], s.id.substr(s.id.find_last_of('/') + 1));
    report::label_tile(row[1], "ground truth");
    for (const auto& [label, model] : models) {
      const auto logits = data::predict_logits(*model, s.image.unsqueeze(0).to(device));
      row.push_back(report::prediction_tile(logits[0].sigmoid().gt(threshold).to(torch::kFloat), s.mask));
      report::label_tile(row.back(), label);
    }
    rows.push_back(std::move(row));
  }
  report::write_png(png, report::compose_grid(rows));
}

void write_example_figures(const std::filesystem::path& dir, const ExampleFigures& figures, const Dataset& dataset,
                           const std::vector<std::pair<std::string, SegmentationModel*>>& models, c10::Device device) {
  const auto indices = example_indices(dataset.size(), figures.count);
  std::vector<Sample> clean;
  for (auto i : indices) clean.push_back(dataset.get(i));
  write_example_grid(dir / results::kExamplesClean, clean, models, device, figures.threshold);
  for (const auto& [noise_name, noise] : figures.noises) {
    std::vector<Sample> noisy;
    for (std::size_t k = 0; k < indices.size(); ++k) {
      Rng rng = data::evaluation_noise_stream(figures.pipeline_seed, noise_name, figures.level, indices[k]);
      noisy.push_back(noise->apply(clean[k], figures.level, rng));
    }
    write_example_grid(dir / ("examples_" + noise_name + ".png"), noisy, models, device, figures.threshold);
  }
}

}  // namespace crackkd::evaluation
