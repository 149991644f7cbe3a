#pragma once
// The qualitative figures of the evaluate stage (the reference paper's Figs. 5, 7, 8, 10): a few
// images, each shown with its ground truth and every model's prediction.

#include <crackkd/dataset.hpp>
#include <crackkd/model.hpp>
#include <crackkd/noise.hpp>
#include <crackkd/sample.hpp>

#include <c10/core/Device.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace crackkd::evaluation {

/// `count` indices spread evenly over [0, size), the same for every run.
std::vector<std::size_t> example_indices(std::size_t size, std::size_t count);

/// Writes a PNG grid, one row per sample: image | truth | each model's thresholded
/// prediction (true positives white, false positives red, false negatives blue).
void write_example_grid(const std::filesystem::path& png, const std::vector<Sample>& samples,
                        const std::vector<std::pair<std::string, SegmentationModel*>>& models, c10::Device device,
                        double threshold);

/// The evaluate stage's figures: which images, and what corrupts them.
struct ExampleFigures {
  std::size_t count;            ///< images, spread over the dataset (example_indices)
  double threshold;
  std::vector<std::pair<std::string, std::shared_ptr<Noise>>> noises;  ///< by [noises.*] name
  double level;                 ///< the noise intensity shown
  std::int64_t pipeline_seed;   ///< the corrupted images are those evaluation scores
};

/// examples_clean.png and, per noise, examples_<noise>.png into `dir`.
void write_example_figures(const std::filesystem::path& dir, const ExampleFigures& figures, const Dataset& dataset,
                           const std::vector<std::pair<std::string, SegmentationModel*>>& models, c10::Device device);

}  // namespace crackkd::evaluation
