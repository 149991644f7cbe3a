#pragma once
// Feature alignment module (FaPN): upsampled coarse features are shifted onto the finer
// lateral features by a modulated deformable 3x3 convolution whose offsets and masks are
// predicted from both, so thin cracks are not smeared by plain bilinear upsampling.
//
//   up  = bilinear(top, lateral size);  arm = FSM(lateral)
//   off = conv1x1(cat[arm, 2 * up]) -> 18G offsets, 9G masks (sigmoid)   (zero-initialised)
//   out = ReLU(DCNv2(up, off)) + arm

#include "blocks/deformable_conv.hpp"
#include "blocks/feature_selection.hpp"

namespace crackkd::models {

struct FeatureAlignmentOptions {
  std::int64_t lateral_channels = 64;
  std::int64_t width = 128;  ///< decoder width D
  std::int64_t deform_groups = 8;
  bool per_channel_attention = false;
};

class FeatureAlignmentImpl : public torch::nn::Module {
 public:
  explicit FeatureAlignmentImpl(const FeatureAlignmentOptions& o);
  torch::Tensor forward(const torch::Tensor& top, const torch::Tensor& lateral);

 private:
  std::int64_t groups_;
  FeatureSelection select_{nullptr};
  torch::nn::Conv2d offset_{nullptr};
  ModulatedDeformConv deform_{nullptr};
};
TORCH_MODULE(FeatureAlignment);

}  // namespace crackkd::models
