#pragma once
// Feature selection module (FaPN, Huang et al. 2021): re-weights channels by a gate from
// their global average, keeps the input (residual), then projects to the decoder width.
//
//   a = sigmoid(attention(avgpool(x)));  out = project(x + x * a)
//
// `per_channel_attention` gates each channel from its own average (a depth-wise 1x1 with
// bias, C + C parameters) instead of from all channels (a dense C x C 1x1): the form
// that keeps PoolingCrack-Tiny near 0.5 M parameters.

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>

namespace crackkd::models {

class FeatureSelectionImpl : public torch::nn::Module {
 public:
  FeatureSelectionImpl(std::int64_t in_channels, std::int64_t out_channels, bool per_channel_attention);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d attention_{nullptr};
  torch::nn::Conv2d project_{nullptr};
};
TORCH_MODULE(FeatureSelection);

}  // namespace crackkd::models
