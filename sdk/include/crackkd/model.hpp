#pragma once
// A segmentation model: one crack logit per pixel plus the four stage features that
// feature distillers compare.

#include <torch/nn/module.h>

#include <array>
#include <cstdint>
#include <vector>

namespace crackkd {

/// `logits`: Nx1xHxW (before the sigmoid), at the input's resolution. `features`: the four
/// stage outputs at strides 4, 8, 16 and 32, channels as `feature_channels()` says.
struct ModelOutput {
  at::Tensor logits;
  std::vector<at::Tensor> features;
};

/// Example:
///   auto out = model->forward(images);          // images Nx3xHxW, sides multiple of stride()
///   auto probability = out.logits.sigmoid();
class SegmentationModel : public torch::nn::Module {
 public:
  virtual ModelOutput forward(const at::Tensor& images) = 0;
  /// Channels of the four stage features, e.g. {48, 96, 192, 384}.
  virtual std::array<std::int64_t, 4> feature_channels() const = 0;
  /// Input sides must be multiples of this; the framework pads other sizes.
  virtual std::int64_t input_stride() const { return 32; }
};

}  // namespace crackkd
