#pragma once
// ImageNet's input standardisation, for models started from ImageNet weights
// (`encoder_weights`): those weights learnt on images standardised by ImageNet's
// per-channel mean and deviation, while CrackKD's samples are RGB in [0, 1]. The models
// apply it inside their forward (`input_normalisation = "imagenet"`), so a trained or
// exported model (TorchScript, ONNX) takes the same [0, 1] images as every other one.

#include <crackkd/options.hpp>

#include <ATen/ATen.h>

#include <string>

namespace crackkd::plugin_common {

/// `images` [N, 3, H, W] in [0, 1], minus ImageNet's mean, over its standard deviation.
inline at::Tensor imagenet_standardised(const at::Tensor& images) {
  const auto mean = at::tensor({0.485, 0.456, 0.406}, images.options()).view({1, 3, 1, 1});
  const auto deviation = at::tensor({0.229, 0.224, 0.225}, images.options()).view({1, 3, 1, 1});
  return (images - mean) / deviation;
}

/// Declares `input_normalisation` ("none" or "imagenet") on a model's options.
template <class O, class C> void declare_input_normalisation(OptionSchema<O>& s, std::string C::*member) {
  s.optional("input_normalisation", member,
             "standardise the [0, 1] input inside the model: \"imagenet\" (mean and deviation ImageNet encoder_weights "
             "expect) or \"none\"")
      .one_of({"none", "imagenet"});
}

/// The log line for a model started from ImageNet weights that takes raw [0, 1] input.
inline constexpr const char* kUnstandardisedImageNetInput =
    "encoder_weights are ImageNet weights, but input_normalisation is \"none\": the encoder sees [0, 1] images, "
    "not the standardised ones it learnt on; set input_normalisation = \"imagenet\" unless that is meant";

}  // namespace crackkd::plugin_common
