#pragma once
// MobileNetV2 1.0 (Sandler et al. 2018) without its classifier, named as torchvision's
// mobilenet_v2 ("features.N…"), so its state dict loads by name. Features, as
// segmentation_models_pytorch splits it: after features 1, 3, 6, 13 and 18 (strides 2 … 32;
// 16, 24, 32, 96, 1280 channels).

#include "blocks/conv_norm_activation.hpp"
#include "blocks/encoder.hpp"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

namespace crackkd::baselines {

/// Expand (1x1, ReLU6; skipped at ratio 1), depth-wise 3x3 (ReLU6), project (1x1, linear),
/// with a residual connection when the shape is kept.
class InvertedResidualImpl : public torch::nn::Module {
 public:
  InvertedResidualImpl(std::int64_t in, std::int64_t out, std::int64_t stride, std::int64_t expand_ratio);
  at::Tensor forward(const at::Tensor& x);

 private:
  Chain conv{nullptr};
  bool residual_;
};
TORCH_MODULE(InvertedResidual);

class MobileNetV2EncoderImpl : public torch::nn::Module {
 public:
  MobileNetV2EncoderImpl();
  EncoderFeatures forward(const at::Tensor& images);
  static EncoderChannels channels() { return {16, 24, 32, 96, 1280}; }

 private:
  Chain features{nullptr};
};
TORCH_MODULE(MobileNetV2Encoder);

}  // namespace crackkd::baselines
