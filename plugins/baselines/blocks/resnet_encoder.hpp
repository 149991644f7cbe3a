#pragma once
// ResNet-18 (He et al. 2016) without its classifier, named as torchvision's resnet18, so
// its state dict loads by name. Features: after the stem (stride 2, 64) and after each of
// layer1 … layer4 (strides 4 … 32; 64, 128, 256, 512 channels).

#include "blocks/conv_norm_activation.hpp"
#include "blocks/encoder.hpp"

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace crackkd::baselines {

class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride);
  at::Tensor forward(const at::Tensor& x);

 private:
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  Chain downsample{nullptr};
};
TORCH_MODULE(BasicBlock);

class ResNetEncoderImpl : public torch::nn::Module {
 public:
  explicit ResNetEncoderImpl(std::array<std::int64_t, 4> blocks = {2, 2, 2, 2});
  EncoderFeatures forward(const at::Tensor& images);
  static EncoderChannels channels() { return {64, 64, 128, 256, 512}; }

 private:
  torch::nn::Conv2d conv1{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr};
  std::array<Chain, 4> layers;
};
TORCH_MODULE(ResNetEncoder);

}  // namespace crackkd::baselines
