#include "blocks/fpn_decoder.hpp"

#include <torch/torch.h>

namespace crackkd::baselines {

namespace F = torch::nn::functional;

namespace {

/// 3x3 conv + GroupNorm(32) + ReLU, then bilinear x2 when `upsample`.
class ConvGroupNormUpImpl : public torch::nn::Module {
 public:
  ConvGroupNormUpImpl(std::int64_t in, std::int64_t out, bool upsample) : upsample_(upsample) {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
    norm = register_module("norm", torch::nn::GroupNorm(32, out));
  }
  at::Tensor forward(const at::Tensor& x) {
    auto y = norm(conv(x)).relu_();
    if (!upsample_) return y;
    return F::interpolate(y, F::InterpolateFuncOptions()
                                 .scale_factor(std::vector<double>{2, 2})
                                 .mode(torch::kBilinear)
                                 .align_corners(true));
  }

 private:
  bool upsample_;
  torch::nn::Conv2d conv{nullptr};
  torch::nn::GroupNorm norm{nullptr};
};
TORCH_MODULE(ConvGroupNormUp);

}  // namespace

FpnDecoderImpl::FpnDecoderImpl(const FpnDecoderOptions& o) : o_(o) {
  const auto p = o.pyramid_channels, s = o.segmentation_channels;
  top = register_module("top", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in_channels[3], p, 1)));
  for (std::size_t i = 0; i < 3; ++i)
    laterals[i] = register_module("lateral" + std::to_string(i + 1),
                                  torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in_channels[2 - i], p, 1)));
  for (std::size_t level = 0; level < 4; ++level) {  // level 0 = stride 32: three x2 steps
    const std::int64_t upsamples = 3 - static_cast<std::int64_t>(level);
    Chain blocks;
    blocks->push_back(ConvGroupNormUp(p, s, upsamples > 0));
    for (std::int64_t u = 1; u < upsamples; ++u) blocks->push_back(ConvGroupNormUp(s, s, true));
    to_stride4[level] = register_module("to_stride4_" + std::to_string(level + 1), blocks);
  }
  head = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(s, 1, 1)));
}

at::Tensor FpnDecoderImpl::forward(const std::vector<at::Tensor>& f) {
  std::array<at::Tensor, 4> pyramid;  // strides 32, 16, 8, 4
  pyramid[0] = top(f[3]);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto up = F::interpolate(pyramid[i], F::InterpolateFuncOptions()
                                                   .scale_factor(std::vector<double>{2, 2})
                                                   .mode(torch::kNearest));
    pyramid[i + 1] = up + laterals[i](f[2 - i]);
  }
  at::Tensor merged;
  for (std::size_t level = 0; level < 4; ++level) {
    auto y = to_stride4[level]->forward(pyramid[level]);
    merged = merged.defined() ? merged + y : y;
  }
  merged = F::dropout2d(merged, F::Dropout2dFuncOptions().p(o_.dropout).training(is_training()));
  return F::interpolate(head(merged), F::InterpolateFuncOptions()
                                          .scale_factor(std::vector<double>{4, 4})
                                          .mode(torch::kBilinear)
                                          .align_corners(true));
}

}  // namespace crackkd::baselines
