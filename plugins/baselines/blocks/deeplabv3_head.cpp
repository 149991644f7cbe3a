#include "blocks/deeplabv3_head.hpp"

#include <torch/torch.h>

namespace crackkd::baselines {

namespace F = torch::nn::functional;

DeepLabV3HeadImpl::DeepLabV3HeadImpl(const DeepLabV3HeadOptions& o) : o_(o) {
  branches = register_module("branches", torch::nn::ModuleList());
  branches->push_back(conv_norm_activation(o.in_channels, o.channels, 1));
  for (const auto rate : o.rates)
    branches->push_back(
        Chain(torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in_channels, o.channels, 3).padding(rate).dilation(rate).bias(false)),
              torch::nn::BatchNorm2d(o.channels), torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true))));
  pooling = register_module("pooling", conv_norm_activation(o.in_channels, o.channels, 1));
  project = register_module("project", conv_norm_activation(5 * o.channels, o.channels, 1));
  classifier = register_module("classifier", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.channels, 1, 1)));
}

at::Tensor DeepLabV3HeadImpl::forward(const at::Tensor& x) {
  std::vector<at::Tensor> parts;
  for (const auto& branch : *branches) parts.push_back(branch->as<ChainImpl>()->forward(x));
  // The image-level branch: batch norm over 1x1 maps has one value per channel and image,
  // too few to normalise a batch of one image (an epoch's odd last batch); that image is
  // normalised with the running statistics instead.
  const bool single = is_training() && x.size(0) == 1;
  if (single) pooling->eval();
  const auto pooled = pooling->forward(x.mean({2, 3}, /*keepdim=*/true));
  if (single) pooling->train();
  parts.push_back(pooled.expand({-1, -1, x.size(2), x.size(3)}));
  auto y = F::dropout(project->forward(torch::cat(parts, 1)), F::DropoutFuncOptions().p(o_.dropout).training(is_training()));
  return F::interpolate(classifier(y), F::InterpolateFuncOptions()
                                           .scale_factor(std::vector<double>{static_cast<double>(o_.output_stride),
                                                                             static_cast<double>(o_.output_stride)})
                                           .mode(torch::kBilinear)
                                           .align_corners(false));
}

}  // namespace crackkd::baselines
