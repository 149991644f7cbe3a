#pragma once
// Scoring a model on a dataset: per-image Dice and IoU of thresholded predictions, used by
// the evaluate stage and by per-epoch validation in training.

#include "metrics/segmentation_metrics.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/model.hpp>

#include <c10/core/Device.h>

#include <functional>
#include <string>

namespace crackkd::engine {

/// Called with each image's id and score, in dataset order.
using ImageScoreSink = std::function<void(const std::string& id, const metrics::ImageScore& score)>;

/// Runs `model` in eval mode without gradients over every image, up to `batch_size`
/// consecutive images of one size per forward pass (images may differ in size); restores
/// the model's training flag afterwards. `label` names the progress bar; an empty label
/// shows none. Scores do not depend on the batch size (eval-mode models treat images
/// independently).
metrics::ScoreMeans evaluate_model(SegmentationModel& model, const Dataset& dataset, c10::Device device,
                                   double threshold, const std::string& label, const ImageScoreSink& sink = {},
                                   std::size_t batch_size = 8);

}  // namespace crackkd::engine
