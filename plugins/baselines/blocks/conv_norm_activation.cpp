#include "blocks/conv_norm_activation.hpp"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>

#include <algorithm>

namespace crackkd::baselines {

Chain conv_norm_activation(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                                           std::int64_t groups, Activation activation) {
  Chain s;
  s->push_back(torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).groups(groups).bias(false)));
  s->push_back(torch::nn::BatchNorm2d(out));
  switch (activation) {
    case Activation::ReLU: s->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true))); break;
    case Activation::ReLU6: s->push_back(torch::nn::ReLU6(torch::nn::ReLU6Options().inplace(true))); break;
    case Activation::SiLU: s->push_back(torch::nn::SiLU()); break;
    case Activation::None: break;
  }
  return s;
}

std::vector<at::Tensor> outputs_at(ChainImpl& chain, at::Tensor x, const std::vector<std::size_t>& ends) {
  std::vector<at::Tensor> out;
  std::size_t i = 0;
  for (auto& module : chain) {
    if (out.size() == ends.size()) break;
    x = module.forward(x);
    if (i++ == ends[out.size()]) out.push_back(x);
  }
  return out;
}

std::int64_t make_divisible(double value, std::int64_t divisor) {
  auto rounded = std::max<std::int64_t>(divisor, static_cast<std::int64_t>(value + divisor / 2.0) / divisor * divisor);
  if (static_cast<double>(rounded) < 0.9 * value) rounded += divisor;
  return rounded;
}

}  // namespace crackkd::baselines
