#pragma once
// MobileOne-S0 (Vasu et al. 2023): a plain stack of blocks that train with several
// branches (k 3x3 or 1x1 conv-BN branches, a 1x1 conv-BN "scale" branch, a BN identity)
// and run as one convolution each. Features: after stage0 … stage4 (strides 2 … 32;
// 48, 48, 128, 256, 1024 channels), as segmentation_models_pytorch's mobileone_s0.

#include "blocks/conv_norm_activation.hpp"
#include "blocks/encoder.hpp"

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <utility>

namespace crackkd::baselines {

/// The block. Training (or any forward that records gradients) runs the branches; an
/// eval-mode forward without gradients runs the one re-parameterised convolution
/// (`fused()`), recomputed whenever a weight or statistic changed since the last one.
class MobileOneBlockImpl : public torch::nn::Module {
 public:
  MobileOneBlockImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride, std::int64_t groups,
                     std::int64_t branches);
  at::Tensor forward(const at::Tensor& x);
  /// The single convolution (weight, bias) equal to the branches in eval mode: each BN
  /// folded into its conv (W·γ/σ, β − μ·γ/σ), 1x1 kernels padded to the centre of kxk,
  /// the identity BN as a centred one-hot kernel, all summed.
  std::pair<at::Tensor, at::Tensor> fused() const;
  /// Eval-mode forwards without gradients use the fused convolution (default) or the branches.
  void use_fused(bool on) { use_fused_ = on; }

 private:
  std::int64_t in_, kernel_, stride_, groups_;
  torch::nn::ModuleList branches_{nullptr};  // conv-BN, kernel x kernel
  Chain scale_{nullptr};                     // conv-BN 1x1, when kernel > 1
  torch::nn::BatchNorm2d identity_{nullptr};  // when the shape is kept
  bool use_fused_ = true;
  std::int64_t fused_version_ = -1;
  at::Tensor fused_weight_, fused_bias_;
};
TORCH_MODULE(MobileOneBlock);

class MobileOneEncoderImpl : public torch::nn::Module {
 public:
  /// S0: widths 48, 48, 128, 256, 1024; blocks 1, 2, 8, 10, 1; k = 4 branches.
  explicit MobileOneEncoderImpl(std::int64_t branches = 4);
  EncoderFeatures forward(const at::Tensor& images);
  static EncoderChannels channels() { return {48, 48, 128, 256, 1024}; }
  void use_fused(bool on);

 private:
  std::array<Chain, 5> stages_;
};
TORCH_MODULE(MobileOneEncoder);

}  // namespace crackkd::baselines
