#include "blocks/fapn_decoder.hpp"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/activation.h>

namespace crackkd::models {

FapnDecoderImpl::FapnDecoderImpl(const FapnDecoderOptions& o) {
  namespace nn = torch::nn;
  top_ = register_module("top", FeatureSelection(o.in_channels[3], o.width, o.per_channel_attention));
  for (int s = 2; s >= 0; --s) {
    FeatureAlignmentOptions fam;
    fam.lateral_channels = o.in_channels[static_cast<std::size_t>(s)];
    fam.width = o.width;
    fam.deform_groups = o.deform_groups;
    fam.per_channel_attention = o.per_channel_attention;
    align_->push_back(FeatureAlignment(fam));
  }
  register_module("align", align_);
  if (o.head_3x3)
    head_ = nn::Sequential(nn::Conv2d(nn::Conv2dOptions(o.width, o.width, 3).padding(1)), nn::ReLU(true),
                           nn::Conv2d(nn::Conv2dOptions(o.width, 1, 1)));
  else
    head_ = nn::Sequential(nn::Conv2d(nn::Conv2dOptions(o.width, 1, 1)));
  register_module("head", head_);
}

torch::Tensor FapnDecoderImpl::forward(const std::vector<torch::Tensor>& features, std::int64_t height,
                                       std::int64_t width) {
  namespace F = torch::nn::functional;
  auto x = top_->forward(features[3]);
  for (std::size_t i = 0; i < 3; ++i) x = align_[i]->as<FeatureAlignment>()->forward(x, features[2 - i]);
  return F::interpolate(head_->forward(x), F::InterpolateFuncOptions()
                                               .size(std::vector<std::int64_t>{height, width})
                                               .mode(torch::kBilinear)
                                               .align_corners(false));
}

}  // namespace crackkd::models
