#pragma once
// EfficientNet-B0 (Tan & Le 2019) without its 1280-channel head and classifier, named as
// torchvision's efficientnet_b0 ("features.N.M.block…"), so its state dict loads by name.
// Features, as segmentation_models_pytorch takes them: after features 0, 2, 3, 5 and 7
// (strides 2 … 32; 32, 24, 40, 112, 320 channels).

#include "blocks/conv_norm_activation.hpp"
#include "blocks/encoder.hpp"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace crackkd::baselines {

/// Squeeze-and-excitation: channel gates sigmoid(fc2(silu(fc1(mean over space)))).
class SqueezeExcitationImpl : public torch::nn::Module {
 public:
  SqueezeExcitationImpl(std::int64_t channels, std::int64_t squeezed);
  at::Tensor forward(const at::Tensor& x);

 private:
  torch::nn::Conv2d fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(SqueezeExcitation);

/// Mobile inverted bottleneck with squeeze-and-excitation and, when training, stochastic
/// depth on the residual branch (each image's branch dropped with probability `drop`).
class MBConvImpl : public torch::nn::Module {
 public:
  MBConvImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride, std::int64_t expand_ratio,
             double drop);
  at::Tensor forward(const at::Tensor& x);

 private:
  Chain block{nullptr};
  bool residual_;
  double drop_;
};
TORCH_MODULE(MBConv);

class EfficientNetB0EncoderImpl : public torch::nn::Module {
 public:
  /// `drop_path`: stochastic depth of the last block, rising linearly from 0 (torchvision: 0.2).
  explicit EfficientNetB0EncoderImpl(double drop_path = 0.2);
  EncoderFeatures forward(const at::Tensor& images);
  static EncoderChannels channels() { return {32, 24, 40, 112, 320}; }

 private:
  Chain features{nullptr};
};
TORCH_MODULE(EfficientNetB0Encoder);

}  // namespace crackkd::baselines
