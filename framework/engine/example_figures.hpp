#pragma once
// The qualitative figures of the evaluate stage (the seed paper's Figs. 5, 7, 8, 10): a few
// images, each shown with its ground truth and every model's prediction.

#include <crackkd/model.hpp>
#include <crackkd/sample.hpp>

#include <c10/core/Device.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace crackkd::engine {

/// `count` indices spread evenly over [0, size), the same for every run.
std::vector<std::size_t> example_indices(std::size_t size, std::size_t count);

/// Writes a PNG grid, one row per sample: image | truth | each model's thresholded
/// prediction (true positives white, false positives red, false negatives blue).
void write_example_grid(const std::filesystem::path& png, const std::vector<Sample>& samples,
                        const std::vector<std::pair<std::string, SegmentationModel*>>& models, c10::Device device,
                        double threshold);

}  // namespace crackkd::engine
