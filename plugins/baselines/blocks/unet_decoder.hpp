#pragma once
// The U-Net decoder as segmentation_models_pytorch builds it, the decoder of the paper's
// UNet-ResNet18 student: five blocks (256, 128, 64, 32, 16 channels), each nearest x2, the
// encoder feature of that stride concatenated (none at full resolution), two 3x3
// conv-BN-ReLU; then a 3x3 head.

#include "blocks/conv_norm_activation.hpp"
#include "blocks/encoder.hpp"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace crackkd::baselines {

class UnetDecoderImpl : public torch::nn::Module {
 public:
  UnetDecoderImpl(const EncoderChannels& encoder_channels, std::array<std::int64_t, 5> widths = {256, 128, 64, 32, 16});
  /// Logits at full resolution (2x the stride-2 feature) from the five encoder features.
  at::Tensor forward(const EncoderFeatures& features);

 private:
  std::array<Chain, 5> blocks;
  torch::nn::Conv2d head{nullptr};
};
TORCH_MODULE(UnetDecoder);

}  // namespace crackkd::baselines
