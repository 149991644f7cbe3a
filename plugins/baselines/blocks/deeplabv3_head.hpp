#pragma once
// The DeepLabV3 head (Chen et al. 2017) as ml-cvnets puts it on MobileViT: atrous spatial
// pyramid pooling (a 1x1 branch, three 3x3 branches dilated 6, 12 and 18, and an image-level
// pooling branch, each conv-BN-ReLU to 256 channels), a 1x1 projection of their
// concatenation (BN, ReLU, dropout 0.1), a 1x1 classifier, bilinear upsampling by the
// encoder's output stride.

#include "blocks/conv_norm_activation.hpp"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <array>

namespace crackkd::baselines {

struct DeepLabV3HeadOptions {
  std::int64_t in_channels = 80;
  std::int64_t channels = 256;
  std::array<std::int64_t, 3> rates{6, 12, 18};
  double dropout = 0.1;
  std::int64_t output_stride = 16;
};

class DeepLabV3HeadImpl : public torch::nn::Module {
 public:
  explicit DeepLabV3HeadImpl(const DeepLabV3HeadOptions& options);
  at::Tensor forward(const at::Tensor& features);  ///< logits at output_stride x the features' size

 private:
  DeepLabV3HeadOptions o_;
  torch::nn::ModuleList branches{nullptr};  // 1x1, three dilated 3x3
  Chain pooling{nullptr}, project{nullptr};
  torch::nn::Conv2d classifier{nullptr};
};
TORCH_MODULE(DeepLabV3Head);

}  // namespace crackkd::baselines
