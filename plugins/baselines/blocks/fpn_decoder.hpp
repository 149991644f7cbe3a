#pragma once
// The FPN segmentation decoder (Kirillov et al.'s panoptic FPN head) as
// segmentation_models_pytorch builds it, the decoder of the paper's MobileNetV2,
// EfficientNet-B0 and MobileOne baselines: lateral 1x1 convs onto a 256-channel top-down
// pyramid (nearest x2 and add), each level brought to stride 4 by 3x3 conv + GroupNorm(32)
// + ReLU blocks with bilinear x2 steps, summed, dropout, a 1x1 head, bilinear x4.

#include "blocks/conv_norm_activation.hpp"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <array>

namespace crackkd::baselines {

struct FpnDecoderOptions {
  std::array<std::int64_t, 4> in_channels{};  ///< encoder features at strides 4, 8, 16, 32
  std::int64_t pyramid_channels = 256;
  std::int64_t segmentation_channels = 128;
  double dropout = 0.2;
};

class FpnDecoderImpl : public torch::nn::Module {
 public:
  explicit FpnDecoderImpl(const FpnDecoderOptions& options);
  /// Logits at 4x the resolution of features[0] (stride 4), from the four features.
  at::Tensor forward(const std::vector<at::Tensor>& features);

 private:
  FpnDecoderOptions o_;
  torch::nn::Conv2d top{nullptr};                   // stride 32 → pyramid
  std::array<torch::nn::Conv2d, 3> laterals{nullptr, nullptr, nullptr};      // strides 16, 8, 4 → pyramid
  std::array<Chain, 4> to_stride4;  // pyramid levels 32, 16, 8, 4 → stride 4
  torch::nn::Conv2d head{nullptr};
};
TORCH_MODULE(FpnDecoder);

}  // namespace crackkd::baselines
