#include "blocks/unet_decoder.hpp"

#include "blocks/conv_norm_activation.hpp"

#include <torch/torch.h>

namespace crackkd::baselines {

namespace F = torch::nn::functional;

UnetDecoderImpl::UnetDecoderImpl(const EncoderChannels& e, std::array<std::int64_t, 5> widths) {
  // Block b upsamples to stride 16, 8, 4, 2, 1 and concatenates the feature there.
  const std::array<std::int64_t, 5> skips{e[3], e[2], e[1], e[0], 0};
  std::int64_t in = e[4];
  for (std::size_t b = 0; b < 5; ++b) {
    Chain block;
    block->push_back(conv_norm_activation(in + skips[b], widths[b], 3));
    block->push_back(conv_norm_activation(widths[b], widths[b], 3));
    blocks[b] = register_module("block" + std::to_string(b + 1), block);
    in = widths[b];
  }
  head = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, 1, 3).padding(1)));
}

at::Tensor UnetDecoderImpl::forward(const EncoderFeatures& f) {
  auto x = f[4];
  for (std::size_t b = 0; b < 5; ++b) {
    x = F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2, 2}).mode(torch::kNearest));
    if (b < 4) x = torch::cat({x, f[3 - b]}, 1);
    x = blocks[b]->forward(x);
  }
  return head(x);
}

}  // namespace crackkd::baselines
