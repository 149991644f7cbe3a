#include "blocks/pooling_block.hpp"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/pooling.h>

namespace crackkd::models {

PoolingBlockImpl::PoolingBlockImpl(const PoolingBlockOptions& o) : options_(o) {
  namespace nn = torch::nn;
  TORCH_CHECK(!o.depthwise_mlp || o.hidden % o.channels == 0, "pooling block: a depth-wise MLP needs hidden (",
              o.hidden, ") to be a multiple of channels (", o.channels, ")");
  const std::int64_t groups = o.depthwise_mlp ? o.channels : 1;
  norm1_ = register_module("norm1", nn::GroupNorm(1, o.channels));
  norm2_ = register_module("norm2", nn::GroupNorm(1, o.channels));
  fc1_ = register_module("fc1", nn::Conv2d(nn::Conv2dOptions(o.channels, o.hidden, 1).groups(groups)));
  fc2_ = register_module("fc2", nn::Conv2d(nn::Conv2dOptions(o.hidden, o.channels, 1).groups(groups)));
  layer_scale1_ = register_parameter("layer_scale1", torch::full({o.channels, 1, 1}, o.layer_scale_init));
  layer_scale2_ = register_parameter("layer_scale2", torch::full({o.channels, 1, 1}, o.layer_scale_init));
}

torch::Tensor PoolingBlockImpl::drop_path(const torch::Tensor& branch) const {
  if (!is_training() || options_.drop_path <= 0.0) return branch;
  const double keep = 1.0 - options_.drop_path;
  auto mask = torch::empty({branch.size(0), 1, 1, 1}, branch.options()).bernoulli_(keep);
  return branch * mask / keep;
}

torch::Tensor PoolingBlockImpl::mlp(const torch::Tensor& x) {
  return fc2_->forward(torch::nn::functional::gelu(fc1_->forward(x)));
}

torch::Tensor PoolingBlockImpl::inference_forward(const torch::Tensor& x) {
  namespace F = torch::nn::functional;
  auto y = norm1_->forward(x);
  auto out = F::avg_pool2d(y, F::AvgPool2dFuncOptions(3).stride(1).padding(1).count_include_pad(false));
  out.sub_(y).mul_(layer_scale1_).add_(x);
  return out.addcmul_(mlp(norm2_->forward(out)), layer_scale2_);
}

torch::Tensor PoolingBlockImpl::forward(const torch::Tensor& x) {
  namespace F = torch::nn::functional;
  if (!is_training() && !torch::GradMode::is_enabled()) return inference_forward(x);
  auto y = norm1_->forward(x);
  auto pooled = F::avg_pool2d(y, F::AvgPool2dFuncOptions(3).stride(1).padding(1).count_include_pad(false));
  auto out = x + drop_path(layer_scale1_ * (pooled - y));
  return out + drop_path(layer_scale2_ * mlp(norm2_->forward(out)));
}

}  // namespace crackkd::models
