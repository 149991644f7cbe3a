#include "blocks/feature_selection.hpp"

#include <torch/nn/functional/pooling.h>

namespace crackkd::models {

FeatureSelectionImpl::FeatureSelectionImpl(std::int64_t in_channels, std::int64_t out_channels,
                                           bool per_channel_attention) {
  namespace nn = torch::nn;
  auto attention = nn::Conv2dOptions(in_channels, in_channels, 1);
  attention = per_channel_attention ? attention.groups(in_channels).bias(true) : attention.bias(false);
  attention_ = register_module("attention", nn::Conv2d(attention));
  project_ = register_module("project", nn::Conv2d(nn::Conv2dOptions(in_channels, out_channels, 1).bias(false)));
}

torch::Tensor FeatureSelectionImpl::forward(const torch::Tensor& x) {
  namespace F = torch::nn::functional;
  const auto gate = attention_->forward(F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions(1))).sigmoid();
  return project_->forward(x + x * gate);
}

}  // namespace crackkd::models
