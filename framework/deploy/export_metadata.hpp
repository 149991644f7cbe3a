#pragma once
// What an exported model file carries for whoever deploys it: which model it is and where
// it came from, the input it takes and how to prepare it, and what its output means.
// Written as JSON: into a TorchScript file as the extra file `crackkd.json`, into an ONNX
// file as the metadata entry `crackkd`.

#include <cstdint>
#include <string>

namespace crackkd::deploy {

/// The input an exported model takes: fixed at batch x 3 x height x width, or (dynamic)
/// any batch and any sides that are multiples of `size_multiple`.
struct InputShape {
  std::int64_t batch = 1;
  std::int64_t height = 448;
  std::int64_t width = 448;
  bool dynamic = false;
};

struct ExportMetadata {
  std::string model_plugin;   ///< "pct"
  std::string model_options;  ///< the model's options as TOML, as in the checkpoint
  std::int64_t epoch = 0;     ///< the training epoch the weights are from
  std::string checkpoint;     ///< the checkpoint file exported
  std::string origin;         ///< "<pipeline>/<stage>[/<replicate>]" that trained it, or ""
  InputShape input;
  std::int64_t size_multiple = 32;
  std::int64_t tile_overlap = 64;  ///< the tiling contract's overlap (inference/tiled_prediction.hpp)
  double threshold = 0.5;  ///< sigmoid(logit) > threshold = crack
  std::string threshold_from;  ///< where the threshold was recorded: --threshold, an evaluate stage's choice, the checkpoint
};

/// The metadata as one JSON object (keys in a fixed order, strings escaped).
std::string to_json(const ExportMetadata& metadata);

/// "1x3x448x448", or "Nx3xHxW (H, W multiples of 32)" for a dynamic shape.
std::string shape_text(const InputShape& shape, std::int64_t size_multiple);

}  // namespace crackkd::deploy
