#include "blocks/patch_embedding.hpp"

namespace crackkd::models {

PatchEmbeddingImpl::PatchEmbeddingImpl(const PatchEmbeddingOptions& o) {
  namespace nn = torch::nn;
  if (o.depthwise) {
    spatial_ = register_module("spatial", nn::Conv2d(nn::Conv2dOptions(o.in_channels, o.in_channels, o.kernel)
                                                         .stride(o.stride).padding(o.padding).groups(o.in_channels)));
    pointwise_ = register_module("pointwise", nn::Conv2d(nn::Conv2dOptions(o.in_channels, o.out_channels, 1)));
  } else {
    spatial_ = register_module("spatial", nn::Conv2d(nn::Conv2dOptions(o.in_channels, o.out_channels, o.kernel)
                                                         .stride(o.stride).padding(o.padding)));
  }
  norm_ = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({o.out_channels}).eps(1e-5)));
}

torch::Tensor PatchEmbeddingImpl::forward(const torch::Tensor& x) {
  auto y = spatial_->forward(x);
  if (pointwise_) y = pointwise_->forward(y);
  // LayerNorm over channels at each pixel: channels last, normalise, back.
  return norm_->forward(y.permute({0, 2, 3, 1})).permute({0, 3, 1, 2});
}

}  // namespace crackkd::models
