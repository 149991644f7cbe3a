#pragma once
// A trained model as inference runs it, from either file a user has: a checkpoint (the
// plugin rebuilds the model) or a file of `crackkd export --format torchscript` (no
// plugin needed). Two engines:
// - eager: the plugin's own forward, or the exported graph as saved;
// - frozen: the graph frozen and optimised for inference (torch::jit::freeze, then
//   optimize_for_inference: weights as constants, convolutions fused with what follows).
//   From a checkpoint, the model is traced once per input shape it meets (tiles of one
//   size: one or two shapes per run) and the frozen graph cached.
// An exported file of fixed shape takes inputs up to that shape: smaller ones are padded
// by replicating their border and cropped back, a batch is split or filled to its batch.

#include "checkpoints/checkpoint.hpp"
#include "plugin_host/plugin_host.hpp"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <filesystem>
#include <functional>
#include <string>

namespace crackkd::inference {

enum class Engine { Eager, Frozen };

/// "eager" or "frozen" -> Engine; throws crackkd::ConfigError otherwise.
Engine engine_named(const std::string& name);

struct InferenceModel {
  std::function<at::Tensor(const at::Tensor&)> logits;  ///< Nx3xHxW in [0, 1] -> Nx1xHxW
  std::int64_t stride = 32;    ///< input sides must be multiples of this
  std::int64_t tile_height = 0, tile_width = 0;  ///< > 0: the tile a fixed-shape export takes
  std::int64_t tile_overlap = -1;  ///< >= 0: the overlap an export records for its tiles
  double threshold = 0.5;      ///< from the checkpoint or the export
  std::string threshold_from;  ///< where `threshold` was recorded, for the log and summary.csv
  std::string description;     ///< "model.pct (epoch 12) from runs/q/student/best.pt, frozen"
};

/// `loaded` (read from checkpoint `file`) for `engine`, without reading the file again.
InferenceModel inference_model_of(const checkpoints::LoadedModel& loaded, const std::filesystem::path& file, Engine engine);

/// True when `file` was written by `crackkd export --format torchscript` (it holds
/// crackkd.json), false for a checkpoint or anything else.
bool is_exported_model(const std::filesystem::path& file);

/// Throws crackkd::Error saying what `file` is when it is not a zip archive, as every
/// checkpoint and TorchScript file is: an ONNX export (and where that runs), or neither.
void require_torch_archive(const std::filesystem::path& file);

/// Loads `file` (checkpoint or exported TorchScript) onto `device` for `engine`; throws
/// crackkd::Error naming the file when it is neither.
InferenceModel load_inference_model(const std::filesystem::path& file, host::PluginHost& host, c10::Device device,
                                    Engine engine);

}  // namespace crackkd::inference
