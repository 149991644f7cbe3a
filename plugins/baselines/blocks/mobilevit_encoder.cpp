#include "blocks/mobilevit_encoder.hpp"

#include <torch/torch.h>

namespace crackkd::baselines {

namespace F = torch::nn::functional;

namespace {

/// MobileNetV2 block with SiLU: 1x1 expand, 3x3 depth-wise, 1x1 project; residual when
/// the shape is kept.
class MobileBottleneckImpl : public torch::nn::Module {
 public:
  MobileBottleneckImpl(std::int64_t in, std::int64_t out, std::int64_t stride, std::int64_t expand)
      : residual_(stride == 1 && in == out) {
    const std::int64_t hidden = in * expand;
    block = register_module("block", Chain(conv_norm_activation(in, hidden, 1, 1, 1, Activation::SiLU),
                                           conv_norm_activation(hidden, hidden, 3, stride, hidden, Activation::SiLU),
                                           conv_norm_activation(hidden, out, 1, 1, 1, Activation::None)));
  }
  at::Tensor forward(const at::Tensor& x) {
    auto y = block->forward(x);
    return residual_ ? y + x : y;
  }

 private:
  bool residual_;
  Chain block{nullptr};
};
TORCH_MODULE(MobileBottleneck);

/// conv_norm_activation with a dilation.
Chain dilated_conv_norm_silu(std::int64_t in, std::int64_t out, std::int64_t dilation) {
  return Chain(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(dilation).dilation(dilation).bias(false)),
               torch::nn::BatchNorm2d(out), torch::nn::SiLU());
}

}  // namespace

TransformerLayerImpl::TransformerLayerImpl(std::int64_t dim, std::int64_t mlp_dim, std::int64_t heads) : heads_(heads) {
  norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  qkv = register_module("qkv", torch::nn::Linear(dim, 3 * dim));
  proj = register_module("proj", torch::nn::Linear(dim, dim));
  norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  fc1 = register_module("fc1", torch::nn::Linear(dim, mlp_dim));
  fc2 = register_module("fc2", torch::nn::Linear(mlp_dim, dim));
}

at::Tensor TransformerLayerImpl::forward(const at::Tensor& x) {
  const auto b = x.size(0), n = x.size(1), d = x.size(2), hd = d / heads_;
  auto qkv_out = qkv(norm1(x)).reshape({b, n, 3, heads_, hd}).permute({2, 0, 3, 1, 4});  // 3, b, heads, n, hd
  const auto q = qkv_out[0], k = qkv_out[1], v = qkv_out[2];
  const auto attention = torch::softmax(torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(hd)), -1);
  const auto mixed = torch::matmul(attention, v).transpose(1, 2).reshape({b, n, d});
  auto y = x + proj(mixed);
  return y + fc2(torch::silu(fc1(norm2(y))));
}

MobileViTBlockImpl::MobileViTBlockImpl(std::int64_t channels, std::int64_t dim, std::int64_t mlp_dim,
                                       std::int64_t layers, std::int64_t dilation) {
  local = register_module("local", dilated_conv_norm_silu(channels, channels, dilation));
  to_tokens = register_module("to_tokens", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, dim, 1).bias(false)));
  transformer = register_module("transformer", torch::nn::ModuleList());
  for (std::int64_t l = 0; l < layers; ++l) transformer->push_back(TransformerLayer(dim, mlp_dim, 4));
  norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  project = register_module("project", conv_norm_activation(dim, channels, 1, 1, 1, Activation::SiLU));
  fusion = register_module("fusion", dilated_conv_norm_silu(2 * channels, channels, dilation));
}

at::Tensor MobileViTBlockImpl::forward(const at::Tensor& x) {
  auto y = to_tokens(local->forward(x));
  const auto b = y.size(0), d = y.size(1), h = y.size(2), w = y.size(3);
  // Odd sides are resized to even ones for the 2x2 patches, and back afterwards.
  const std::int64_t he = (h + 1) / 2 * 2, we = (w + 1) / 2 * 2;
  if (he != h || we != w)
    y = F::interpolate(y, F::InterpolateFuncOptions().size(std::vector<std::int64_t>{he, we}).mode(torch::kBilinear).align_corners(false));
  const auto ph = he / 2, pw = we / 2;
  // b, d, ph, 2, pw, 2 → (b·4) sequences of ph·pw patches, one per position in the patch.
  auto tokens = y.reshape({b, d, ph, 2, pw, 2}).permute({0, 3, 5, 2, 4, 1}).reshape({b * 4, ph * pw, d});
  for (const auto& layer : *transformer) tokens = layer->as<TransformerLayerImpl>()->forward(tokens);
  tokens = norm(tokens);
  y = tokens.reshape({b, 2, 2, ph, pw, d}).permute({0, 5, 3, 1, 4, 2}).reshape({b, d, he, we});
  if (he != h || we != w)
    y = F::interpolate(y, F::InterpolateFuncOptions().size(std::vector<std::int64_t>{h, w}).mode(torch::kBilinear).align_corners(false));
  return fusion->forward(torch::cat({x, project->forward(y)}, 1));
}

MobileViTEncoderImpl::MobileViTEncoderImpl() {
  stem = register_module("stem", conv_norm_activation(3, 16, 3, 2, 1, Activation::SiLU));
  layers_[0] = register_module("layer1", Chain(MobileBottleneck(16, 16, 1, 2)));
  layers_[1] = register_module("layer2", Chain(MobileBottleneck(16, 24, 2, 2), MobileBottleneck(24, 24, 1, 2),
                                               MobileBottleneck(24, 24, 1, 2)));
  layers_[2] = register_module("layer3", Chain(MobileBottleneck(24, 48, 2, 2), MobileViTBlock(48, 64, 128, 2, 1)));
  layers_[3] = register_module("layer4", Chain(MobileBottleneck(48, 64, 2, 2), MobileViTBlock(64, 80, 160, 4, 1)));
  layers_[4] = register_module("layer5", Chain(MobileBottleneck(64, 80, 1, 2), MobileViTBlock(80, 96, 192, 3, 2)));
}

EncoderFeatures MobileViTEncoderImpl::forward(const at::Tensor& images) {
  EncoderFeatures f;
  auto x = stem->forward(images);
  for (auto& layer : layers_) f.push_back(x = layer->forward(x));
  return f;
}

}  // namespace crackkd::baselines
