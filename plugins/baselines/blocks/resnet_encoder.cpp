#include "blocks/resnet_encoder.hpp"

#include <torch/nn/functional/pooling.h>

namespace crackkd::baselines {

namespace F = torch::nn::functional;

BasicBlockImpl::BasicBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride) {
  conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
  bn1 = register_module("bn1", torch::nn::BatchNorm2d(out));
  conv2 = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, 3).padding(1).bias(false)));
  bn2 = register_module("bn2", torch::nn::BatchNorm2d(out));
  if (stride != 1 || in != out) {
    downsample = register_module(
        "downsample", Chain(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)),
                            torch::nn::BatchNorm2d(out)));
  }
}

at::Tensor BasicBlockImpl::forward(const at::Tensor& x) {
  auto y = bn2(conv2(bn1(conv1(x)).relu_()));
  return y.add_(downsample ? downsample->forward(x) : x).relu_();
}

ResNetEncoderImpl::ResNetEncoderImpl(std::array<std::int64_t, 4> blocks) {
  conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 64, 7).stride(2).padding(3).bias(false)));
  bn1 = register_module("bn1", torch::nn::BatchNorm2d(64));
  const std::array<std::int64_t, 4> widths{64, 128, 256, 512};
  std::int64_t in = 64;
  for (std::size_t l = 0; l < 4; ++l) {
    Chain layer;
    for (std::int64_t b = 0; b < blocks[l]; ++b) {
      layer->push_back(BasicBlock(in, widths[l], b == 0 && l > 0 ? 2 : 1));
      in = widths[l];
    }
    layers[l] = register_module("layer" + std::to_string(l + 1), layer);
  }
}

EncoderFeatures ResNetEncoderImpl::forward(const at::Tensor& images) {
  EncoderFeatures f;
  f.push_back(bn1(conv1(images)).relu_());
  auto x = F::max_pool2d(f.back(), F::MaxPool2dFuncOptions(3).stride(2).padding(1));
  for (auto& layer : layers) f.push_back(x = layer->forward(x));
  return f;
}

}  // namespace crackkd::baselines
