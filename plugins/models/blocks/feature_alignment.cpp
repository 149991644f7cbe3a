#include "blocks/feature_alignment.hpp"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/init.h>

namespace crackkd::models {

FeatureAlignmentImpl::FeatureAlignmentImpl(const FeatureAlignmentOptions& o) : groups_(o.deform_groups) {
  namespace nn = torch::nn;
  select_ = register_module("select", FeatureSelection(o.lateral_channels, o.width, o.per_channel_attention));
  offset_ = register_module("offset", nn::Conv2d(nn::Conv2dOptions(2 * o.width, 27 * o.deform_groups, 1)));
  // Zero offsets and masks of sigmoid(0) = 0.5: training starts from a plain 3x3 conv.
  nn::init::zeros_(offset_->weight);
  nn::init::zeros_(offset_->bias);
  deform_ = register_module("deform", ModulatedDeformConv(o.width, o.width, o.deform_groups));
}

torch::Tensor FeatureAlignmentImpl::forward(const torch::Tensor& top, const torch::Tensor& lateral) {
  namespace F = torch::nn::functional;
  const auto up = F::interpolate(top, F::InterpolateFuncOptions()
                                          .size(std::vector<std::int64_t>{lateral.size(2), lateral.size(3)})
                                          .mode(torch::kBilinear)
                                          .align_corners(false));
  const auto arm = select_->forward(lateral);
  const auto off = offset_->forward(torch::cat({arm, 2 * up}, 1));
  const auto offsets = off.narrow(1, 0, 18 * groups_);
  const auto masks = off.narrow(1, 18 * groups_, 9 * groups_).sigmoid();
  return deform_->forward(up, offsets, masks).relu() + arm;
}

}  // namespace crackkd::models
