#pragma once
// Models scored under noise (the reference paper's robustness figures): every model on
// every image under every noise at every level, one robustness.csv row per model, noise
// and level. A corrupted image depends only on (pipeline seed, noise name, level, image)
// (data/random_streams.hpp), is made once and shown to all models.

#include "io/csv_writer.hpp"
#include "metrics/image_measures.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/model.hpp>
#include <crackkd/noise.hpp>

#include <c10/core/Device.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace crackkd::evaluation {

/// A model under noise: its label and seed in robustness.csv, and its records on the
/// clean images in dataset order (taken instead of a second forward pass where a noise
/// leaves an image as it was, as at level 0).
struct ScoredModel {
  std::string label, seed;
  SegmentationModel* model;
  const std::vector<metrics::ImageMeasures>* clean;
};

struct RobustnessScoring {
  std::string what;             ///< "robustness <stage>": its progress bar, interrupts and logs
  std::int64_t pipeline_seed;   ///< of the corrupted images' random streams
  std::vector<std::pair<std::string, std::shared_ptr<Noise>>> noises;  ///< by [noises.*] name
  std::vector<double> levels;
  metrics::MeasureOptions measures;
};

/// robustness.csv's rows, gathered (committed by the caller, after its other results).
io::CsvWriter score_robustness(const std::filesystem::path& file, const RobustnessScoring& scoring, const Dataset& dataset,
                           const std::vector<ScoredModel>& models, c10::Device device);

}  // namespace crackkd::evaluation
