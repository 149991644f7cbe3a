#pragma once
// MobileViT-XXS (Mehta & Rastegari 2022) as its authors' ml-cvnets builds it for
// segmentation: a 3x3 stem, MobileNetV2 blocks (expansion 2, SiLU), and MobileViT blocks
// (local 3x3 conv, a transformer over 2x2 patch positions, fusion), without the 1x1
// expansion to 320 channels and the classifier. Output stride 16 as for DeepLabV3: the
// last layer keeps stride 16 and dilates its 3x3 convolutions by 2 instead.
// Features: layer1 … layer5 at strides 2, 4, 8, 16, 16 (16, 24, 48, 64, 80 channels).

#include "blocks/conv_norm_activation.hpp"
#include "blocks/encoder.hpp"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

namespace crackkd::baselines {

/// Pre-norm transformer layer: x + attention(LN(x)), then x + MLP(LN(x)) (SiLU).
class TransformerLayerImpl : public torch::nn::Module {
 public:
  TransformerLayerImpl(std::int64_t dim, std::int64_t mlp_dim, std::int64_t heads);
  at::Tensor forward(const at::Tensor& x);  ///< x: tokens x sequence x dim

 private:
  std::int64_t heads_;
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Linear qkv{nullptr}, proj{nullptr}, fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(TransformerLayer);

/// Local 3x3 conv-BN-SiLU and 1x1 to `dim`; unfold into 2x2 patches so each of the four
/// positions attends over all patches; transformer layers and LayerNorm; fold; 1x1 back
/// (BN, SiLU); 3x3 fusion of the block's input with that (BN, SiLU).
class MobileViTBlockImpl : public torch::nn::Module {
 public:
  MobileViTBlockImpl(std::int64_t channels, std::int64_t dim, std::int64_t mlp_dim, std::int64_t layers,
                     std::int64_t dilation);
  at::Tensor forward(const at::Tensor& x);

 private:
  Chain local{nullptr}, project{nullptr}, fusion{nullptr};
  torch::nn::Conv2d to_tokens{nullptr};
  torch::nn::ModuleList transformer{nullptr};
  torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(MobileViTBlock);

class MobileViTEncoderImpl : public torch::nn::Module {
 public:
  MobileViTEncoderImpl();
  EncoderFeatures forward(const at::Tensor& images);
  static EncoderChannels channels() { return {16, 24, 48, 64, 80}; }

 private:
  Chain stem{nullptr};
  std::array<Chain, 5> layers_;
};
TORCH_MODULE(MobileViTEncoder);

}  // namespace crackkd::baselines
