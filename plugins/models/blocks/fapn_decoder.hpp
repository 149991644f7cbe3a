#pragma once
// The FaPN decoder with a segmentation head: the deepest feature is selected (FSM) to the
// decoder width D, then aligned and merged with each finer feature in turn (FAM at 1/16,
// 1/8, 1/4); the head maps D channels to one crack logit at 1/4, upsampled x4 to the input.

#include "blocks/feature_alignment.hpp"

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>

#include <array>
#include <vector>

namespace crackkd::models {

struct FapnDecoderOptions {
  std::array<std::int64_t, 4> in_channels{64, 128, 320, 512};
  std::int64_t width = 128;
  std::int64_t deform_groups = 8;
  bool per_channel_attention = false;
  bool head_3x3 = false;  ///< head: 3x3 conv + ReLU + 1x1 (true) or a single 1x1 (false)
};

class FapnDecoderImpl : public torch::nn::Module {
 public:
  explicit FapnDecoderImpl(const FapnDecoderOptions& o);
  /// Logits Nx1xHxW for `features` (strides 4..32) of an HxW input.
  torch::Tensor forward(const std::vector<torch::Tensor>& features, std::int64_t height, std::int64_t width);

 private:
  FeatureSelection top_{nullptr};
  torch::nn::ModuleList align_;  ///< for strides 16, 8, 4
  torch::nn::Sequential head_{nullptr};
};
TORCH_MODULE(FapnDecoder);

}  // namespace crackkd::models
