#include "blocks/mobilenet_v2_encoder.hpp"

#include "blocks/conv_norm_activation.hpp"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>

namespace crackkd::baselines {

InvertedResidualImpl::InvertedResidualImpl(std::int64_t in, std::int64_t out, std::int64_t stride,
                                           std::int64_t expand_ratio)
    : residual_(stride == 1 && in == out) {
  const std::int64_t hidden = in * expand_ratio;
  Chain s;
  if (expand_ratio != 1) s->push_back(conv_norm_activation(in, hidden, 1, 1, 1, Activation::ReLU6));
  s->push_back(conv_norm_activation(hidden, hidden, 3, stride, hidden, Activation::ReLU6));
  s->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(hidden, out, 1).bias(false)));
  s->push_back(torch::nn::BatchNorm2d(out));
  conv = register_module("conv", s);
}

at::Tensor InvertedResidualImpl::forward(const at::Tensor& x) {
  auto y = conv->forward(x);
  return residual_ ? y.add_(x) : y;
}

MobileNetV2EncoderImpl::MobileNetV2EncoderImpl() {
  struct Stage {
    std::int64_t expand, out, repeats, stride;
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  Chain f;
  f->push_back(conv_norm_activation(3, 32, 3, 2, 1, Activation::ReLU6));
  std::int64_t in = 32;
  for (const auto& s : stages)
    for (std::int64_t r = 0; r < s.repeats; ++r) {
      f->push_back(InvertedResidual(in, s.out, r == 0 ? s.stride : 1, s.expand));
      in = s.out;
    }
  f->push_back(conv_norm_activation(in, 1280, 1, 1, 1, Activation::ReLU6));
  features = register_module("features", f);
}

EncoderFeatures MobileNetV2EncoderImpl::forward(const at::Tensor& images) {
  return outputs_at(*features, images, {1, 3, 6, 13, 18});  // the last module of each stride
}

}  // namespace crackkd::baselines
