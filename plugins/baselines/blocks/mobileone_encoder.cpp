#include "blocks/mobileone_encoder.hpp"

#include <torch/torch.h>

namespace crackkd::baselines {

namespace {

Chain conv_bn(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride, std::int64_t groups) {
  return conv_norm_activation(in, out, kernel, stride, groups, Activation::None);
}

/// (W·γ/σ, β − μ·γ/σ) of a conv without bias followed by `bn` in eval mode.
std::pair<at::Tensor, at::Tensor> fold(const at::Tensor& weight, const torch::nn::BatchNorm2dImpl& bn) {
  const auto scale = bn.weight / (bn.running_var + bn.options.eps()).sqrt();
  return {weight * scale.reshape({-1, 1, 1, 1}), bn.bias - bn.running_mean * scale};
}

std::pair<at::Tensor, at::Tensor> fold(const ChainImpl& conv_bn) {
  return fold(conv_bn.ptr(0)->as<torch::nn::Conv2dImpl>()->weight, *conv_bn.ptr(1)->as<torch::nn::BatchNorm2dImpl>());
}

}  // namespace

MobileOneBlockImpl::MobileOneBlockImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                                       std::int64_t groups, std::int64_t branches)
    : in_(in), kernel_(kernel), stride_(stride), groups_(groups) {
  branches_ = register_module("branches", torch::nn::ModuleList());
  for (std::int64_t b = 0; b < branches; ++b) branches_->push_back(conv_bn(in, out, kernel, stride, groups));
  if (kernel > 1) scale_ = register_module("scale", conv_bn(in, out, 1, stride, groups));
  if (in == out && stride == 1) identity_ = register_module("identity", torch::nn::BatchNorm2d(in));
}

std::pair<at::Tensor, at::Tensor> MobileOneBlockImpl::fused() const {
  torch::NoGradGuard no_grad;
  at::Tensor weight, bias;
  const auto add = [&](std::pair<at::Tensor, at::Tensor> wb) {
    weight = weight.defined() ? weight + wb.first : wb.first;
    bias = bias.defined() ? bias + wb.second : wb.second;
  };
  for (const auto& branch : *branches_) add(fold(*branch->as<ChainImpl>()));
  const std::int64_t pad = kernel_ / 2;
  if (scale_) {
    auto [w, b] = fold(*scale_);
    add({torch::constant_pad_nd(w, {pad, pad, pad, pad}), b});
  }
  if (identity_) {
    const std::int64_t per_group = in_ / groups_;
    auto one_hot = torch::zeros({in_, per_group, kernel_, kernel_}, weight.options());
    for (std::int64_t c = 0; c < in_; ++c) one_hot[c][c % per_group][pad][pad] = 1.0;
    add(fold(one_hot, *identity_));
  }
  return {weight, bias};
}

at::Tensor MobileOneBlockImpl::forward(const at::Tensor& x) {
  if (!is_training() && use_fused_ && !torch::GradMode::is_enabled()) {
    std::int64_t version = 0;
    for (const auto& p : parameters()) version += static_cast<std::int64_t>(p._version());
    for (const auto& b : buffers()) version += static_cast<std::int64_t>(b._version());
    if (version != fused_version_ || !fused_weight_.defined() || fused_weight_.device() != x.device()) {
      std::tie(fused_weight_, fused_bias_) = fused();
      fused_version_ = version;
    }
    return torch::conv2d(x, fused_weight_, fused_bias_, {stride_, stride_}, {kernel_ / 2, kernel_ / 2}, {1, 1}, groups_).relu_();
  }
  at::Tensor out = scale_ ? scale_->forward(x) : at::Tensor();
  if (identity_) out = out.defined() ? out + identity_(x) : identity_(x);
  for (const auto& branch : *branches_) {
    const auto y = branch->as<ChainImpl>()->forward(x);
    out = out.defined() ? out + y : y;
  }
  return out.relu_();
}

MobileOneEncoderImpl::MobileOneEncoderImpl(std::int64_t branches) {
  struct Stage {
    std::int64_t width, blocks;
  };
  const Stage stages[] = {{48, 2}, {128, 8}, {256, 10}, {1024, 1}};
  stages_[0] = register_module("stage0", Chain(MobileOneBlock(3, 48, 3, 2, 1, branches)));
  std::int64_t in = 48;
  for (std::size_t s = 0; s < 4; ++s) {
    Chain stage;
    for (std::int64_t b = 0; b < stages[s].blocks; ++b) {
      const std::int64_t stride = b == 0 ? 2 : 1;
      stage->push_back(MobileOneBlock(in, in, 3, stride, in, branches));             // depth-wise
      stage->push_back(MobileOneBlock(in, stages[s].width, 1, 1, 1, branches));      // point-wise
      in = stages[s].width;
    }
    stages_[s + 1] = register_module("stage" + std::to_string(s + 1), stage);
  }
}

EncoderFeatures MobileOneEncoderImpl::forward(const at::Tensor& images) {
  EncoderFeatures f;
  auto x = images;
  for (auto& stage : stages_) f.push_back(x = stage->forward(x));
  return f;
}

void MobileOneEncoderImpl::use_fused(bool on) {
  for (auto& m : modules(/*include_self=*/false))
    if (auto* block = m->as<MobileOneBlockImpl>()) block->use_fused(on);
}

}  // namespace crackkd::baselines
