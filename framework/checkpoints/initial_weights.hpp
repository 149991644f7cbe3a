#pragma once
// Fine-tuning: a training stage that starts from a trained checkpoint's weights
// (`init_from`) instead of its model's own initialisation, e.g. a masonry model taught a
// few road photos. The checkpoint must hold the stage's model: the same plugin, and
// every parameter and buffer by name and shape. Options that change no tensor (the
// encoder_weights an ImageNet start came from) may differ: they do not change the model.

#include "checkpoints/checkpoint.hpp"

#include <filesystem>
#include <string>

namespace crackkd::checkpoints {

/// Copies the weights of checkpoint `file` into `model` (built from `config`, on
/// `device`). Throws crackkd::Error naming the file and, for another plugin, both plugins,
/// or for tensors that differ, every one of them with both shapes (or the side it is
/// missing on). Returns what it read, for the log line.
LoadedModel copy_initial_weights(const std::filesystem::path& file, SegmentationModel& model,
                                 const ComponentConfig& config, host::PluginHost& host, c10::Device device);

}  // namespace crackkd::checkpoints
