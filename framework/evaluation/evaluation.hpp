#pragma once
// Scoring a model on a dataset: per-image Dice, IoU and pixel counts of thresholded
// predictions (and, when asked, a sweep of thresholds), used by the evaluate stage and by
// per-epoch validation in training.

#include "metrics/image_measures.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/model.hpp>

#include <c10/core/Device.h>

#include <functional>
#include <string>

namespace crackkd::evaluation {

/// Called with each image's id and score, in dataset order.
using ImageScoreSink = std::function<void(const std::string& id, const metrics::ImageScore& score)>;

/// Asks for each image's full record (metrics/image_measures.hpp), in dataset order.
struct ImageMeasuresSink {
  metrics::MeasureOptions options;  ///< its threshold is evaluate_model's
  std::function<void(const std::string& id, metrics::ImageMeasures&& measures)> sink;
};

/// Runs `model` in eval mode without gradients over every image, up to `batch_size`
/// consecutive images of one size per forward pass (images may differ in size); restores
/// the model's training flag afterwards. `label` names the progress bar; an empty label
/// shows none. Scores do not depend on the batch size (eval-mode models treat images
/// independently). With `measures`, each image's record goes to it as well.
metrics::ScoreMeans evaluate_model(SegmentationModel& model, const Dataset& dataset, c10::Device device,
                                   double threshold, const std::string& label, const ImageScoreSink& sink = {},
                                   const ImageMeasuresSink* measures = nullptr, std::size_t batch_size = 8);

}  // namespace crackkd::evaluation
