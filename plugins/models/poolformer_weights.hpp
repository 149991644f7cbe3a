#pragma once
// Loading a timm PoolFormer ImageNet state dict (`encoder_weights`) into our PoolFormer
// encoder. Every encoder tensor with a timm counterpart (timm_poolformer_layout.hpp) must
// be in the file with our shape (a [C] layer scale fills our [C,1,1]), and the file's
// network must have our depths and widths: loading the first blocks of a deeper network
// would start from features that network never computed. Otherwise nothing is copied and
// the error names the file, the tensor, both shapes, and what to set for this file, e.g.
//
//   channels = [64, 128, 320, 512], depths = [2, 2, 6, 2], mlp_ratio = [4, 4, 4, 4],
//   embedding = "dense", mlp = "dense"
//
// Compiled into the models plugin only: the LibTorch-only build (tests/gpu) goes without.

#include <torch/nn/module.h>

#include <filesystem>
#include <string>
#include <vector>

namespace crackkd::models {

struct PoolFormerEncoderOptions;

struct PoolFormerWeightsLoad {
  std::string layout;               ///< which timm layout the file had
  std::size_t loaded = 0;           ///< encoder tensors copied from the file
  std::vector<std::string> kept;    ///< our modules without a counterpart, left as initialised
  std::vector<std::string> unused;  ///< the file's other tensors (classifier head, final norm)
};

/// Copies the file's weights into `encoder`, built from `config`. Throws crackkd::Error
/// (message on one line, starting "encoder_weights: ") and leaves `encoder` unchanged when
/// the file cannot be read or does not fit.
PoolFormerWeightsLoad load_poolformer_weights(torch::nn::Module& encoder, const PoolFormerEncoderOptions& config,
                                              const std::filesystem::path& file);

/// The one log line after a load: counts, the kept modules, the unused tensors.
std::string describe(const PoolFormerWeightsLoad& load, const std::filesystem::path& file);

}  // namespace crackkd::models
