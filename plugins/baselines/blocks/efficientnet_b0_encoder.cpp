#include "blocks/efficientnet_b0_encoder.hpp"

#include "blocks/conv_norm_activation.hpp"

#include <torch/torch.h>

namespace crackkd::baselines {

SqueezeExcitationImpl::SqueezeExcitationImpl(std::int64_t channels, std::int64_t squeezed) {
  fc1 = register_module("fc1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, squeezed, 1)));
  fc2 = register_module("fc2", torch::nn::Conv2d(torch::nn::Conv2dOptions(squeezed, channels, 1)));
}

at::Tensor SqueezeExcitationImpl::forward(const at::Tensor& x) {
  return x * torch::sigmoid(fc2(torch::silu(fc1(x.mean({2, 3}, /*keepdim=*/true)))));
}

MBConvImpl::MBConvImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                       std::int64_t expand_ratio, double drop)
    : residual_(stride == 1 && in == out), drop_(drop) {
  const std::int64_t expanded = make_divisible(static_cast<double>(in * expand_ratio));
  Chain s;
  if (expanded != in) s->push_back(conv_norm_activation(in, expanded, 1, 1, 1, Activation::SiLU));
  s->push_back(conv_norm_activation(expanded, expanded, kernel, stride, expanded, Activation::SiLU));
  s->push_back(SqueezeExcitation(expanded, std::max<std::int64_t>(1, in / 4)));
  s->push_back(conv_norm_activation(expanded, out, 1, 1, 1, Activation::None));
  block = register_module("block", s);
}

at::Tensor MBConvImpl::forward(const at::Tensor& x) {
  auto y = block->forward(x);
  if (!residual_) return y;
  if (is_training() && drop_ > 0) {
    const double keep = 1.0 - drop_;
    const auto kept = torch::empty({y.size(0), 1, 1, 1}, y.options()).bernoulli_(keep).div_(keep);
    y = y * kept;
  }
  return y + x;
}

EfficientNetB0EncoderImpl::EfficientNetB0EncoderImpl(double drop_path) {
  struct Stage {
    std::int64_t expand, kernel, stride, out, repeats;
  };
  const Stage stages[] = {{1, 3, 1, 16, 1}, {6, 3, 2, 24, 2}, {6, 5, 2, 40, 2}, {6, 3, 2, 80, 3},
                          {6, 5, 1, 112, 3}, {6, 5, 2, 192, 4}, {6, 3, 1, 320, 1}};
  std::int64_t total = 0, index = 0;
  for (const auto& s : stages) total += s.repeats;
  Chain f;
  f->push_back(conv_norm_activation(3, 32, 3, 2, 1, Activation::SiLU));
  std::int64_t in = 32;
  for (const auto& s : stages) {
    Chain stage;
    for (std::int64_t r = 0; r < s.repeats; ++r, ++index) {
      const double drop = drop_path * static_cast<double>(index) / static_cast<double>(total);
      stage->push_back(MBConv(in, s.out, s.kernel, r == 0 ? s.stride : 1, s.expand, drop));
      in = s.out;
    }
    f->push_back(stage);
  }
  features = register_module("features", f);
}

EncoderFeatures EfficientNetB0EncoderImpl::forward(const at::Tensor& images) {
  return outputs_at(*features, images, {0, 2, 3, 5, 7});  // the last module of each stride
}

}  // namespace crackkd::baselines
