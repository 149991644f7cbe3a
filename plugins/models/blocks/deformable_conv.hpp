#pragma once
// Modulated deformable 3x3 convolution (DCNv2, Zhu et al. 2019) in plain LibTorch ops, so
// it runs and differentiates on CPU and CUDA alike with no custom kernel.
//
// Each output pixel (i, j) reads its 3x3 taps k = 3*ky + kx at (i - 1 + ky + dy, j - 1 +
// kx + dx), with learned sub-pixel offsets (dy, dx) and a modulation m in [0, 1] per tap,
// pixel and channel group; bilinear sampling with zeros outside the image. The taps are
// gathered with grid_sample into columns [B, 9*C, H*W] and multiplied by the weights
// viewed as [Co, 9*C]: exactly a dense 3x3 convolution when offsets are 0 and masks 1.

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>

namespace crackkd::models {

/// `input` [B, C, H, W]; `offset` [B, 18*G, H, W], for group g and tap k channel
/// 18g + 2k is dy and 18g + 2k + 1 is dx; `mask` [B, 9*G, H, W] (channel 9g + k);
/// `weight` [Co, C, 3, 3]; `bias` [Co] or undefined. Stride 1, padding 1. C % G == 0.
torch::Tensor modulated_deform_conv3x3(const torch::Tensor& input, const torch::Tensor& offset,
                                       const torch::Tensor& mask, const torch::Tensor& weight,
                                       const torch::Tensor& bias, std::int64_t groups);

/// The layer: holds a 3x3 convolution's weight and bias (standard initialisation).
class ModulatedDeformConvImpl : public torch::nn::Module {
 public:
  ModulatedDeformConvImpl(std::int64_t in_channels, std::int64_t out_channels, std::int64_t groups);
  torch::Tensor forward(const torch::Tensor& input, const torch::Tensor& offset, const torch::Tensor& mask);
  const torch::nn::Conv2d& conv() const { return conv_; }

 private:
  torch::nn::Conv2d conv_{nullptr};
  std::int64_t groups_;
};
TORCH_MODULE(ModulatedDeformConv);

}  // namespace crackkd::models
