#include "blocks/deformable_conv.hpp"

#include <torch/nn/functional/vision.h>

namespace crackkd::models {

namespace {

// Columns of one batch chunk: [b, 9*C, H*W], channel-major then tap, as weight.view(Co, 9*C).
torch::Tensor sample_columns(const torch::Tensor& input, const torch::Tensor& offset, const torch::Tensor& mask,
                             std::int64_t groups) {
  namespace F = torch::nn::functional;
  const auto b = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  const auto opts = input.options();
  const auto tap = torch::arange(3, opts) - 1;                    // -1, 0, 1
  const auto tap_y = tap.repeat_interleave(3).view({1, 1, 9, 1, 1});  // ky for k = 3*ky + kx
  const auto tap_x = tap.repeat({3}).view({1, 1, 9, 1, 1});
  const auto ys = torch::arange(h, opts).view({1, 1, 1, h, 1});
  const auto xs = torch::arange(w, opts).view({1, 1, 1, 1, w});
  const auto off = offset.view({b, groups, 9, 2, h, w});
  const auto py = ys + tap_y + off.select(3, 0);  // [b, G, 9, h, w]
  const auto px = xs + tap_x + off.select(3, 1);
  // align_corners = true: -1 and +1 are the centres of the first and last pixels.
  const auto gy = py * (2.0 / static_cast<double>(std::max<std::int64_t>(h - 1, 1))) - 1.0;
  const auto gx = px * (2.0 / static_cast<double>(std::max<std::int64_t>(w - 1, 1))) - 1.0;
  const auto grid = torch::stack({gx, gy}, -1).view({b * groups, 9 * h, w, 2});
  const auto sampled = F::grid_sample(input.reshape({b * groups, c / groups, h, w}), grid,
                                      F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(true));
  const auto modulated = sampled.view({b, groups, c / groups, 9, h, w}) * mask.view({b, groups, 1, 9, h, w});
  return modulated.reshape({b, c * 9, h * w});
}

}  // namespace

torch::Tensor modulated_deform_conv3x3(const torch::Tensor& input, const torch::Tensor& offset,
                                       const torch::Tensor& mask, const torch::Tensor& weight,
                                       const torch::Tensor& bias, std::int64_t groups) {
  TORCH_CHECK(input.dim() == 4, "deformable conv: input must be BxCxHxW, got ", input.sizes());
  const auto b = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  TORCH_CHECK(groups >= 1 && c % groups == 0, "deformable conv: ", c, " channels do not split into ", groups, " groups");
  TORCH_CHECK(offset.sizes() == torch::IntArrayRef({b, 18 * groups, h, w}), "deformable conv: offset ", offset.sizes(),
              " should be ", torch::IntArrayRef({b, 18 * groups, h, w}));
  TORCH_CHECK(mask.sizes() == torch::IntArrayRef({b, 9 * groups, h, w}), "deformable conv: mask ", mask.sizes(),
              " should be ", torch::IntArrayRef({b, 9 * groups, h, w}));
  TORCH_CHECK(weight.dim() == 4 && weight.size(1) == c && weight.size(2) == 3 && weight.size(3) == 3,
              "deformable conv: weight ", weight.sizes(), " does not fit ", c, " input channels and a 3x3 kernel");
  const auto co = weight.size(0);
  const auto kernel = weight.reshape({co, c * 9});
  // Columns take 9*C*H*W floats per image: chunk the batch to bound the peak (~256 MiB).
  const std::int64_t per_image = 9 * c * h * w * static_cast<std::int64_t>(input.element_size());
  const std::int64_t chunk = std::max<std::int64_t>(1, (std::int64_t{256} << 20) / std::max<std::int64_t>(per_image, 1));
  std::vector<torch::Tensor> outputs;
  for (std::int64_t start = 0; start < b; start += chunk) {
    const auto n = std::min(chunk, b - start);
    auto columns = sample_columns(input.narrow(0, start, n), offset.narrow(0, start, n), mask.narrow(0, start, n), groups);
    auto out = kernel.matmul(columns);  // [n, Co, H*W]
    if (bias.defined()) out = out + bias.view({1, co, 1});
    outputs.push_back(out.view({n, co, h, w}));
  }
  return outputs.size() == 1 ? outputs[0] : torch::cat(outputs, 0);
}

ModulatedDeformConvImpl::ModulatedDeformConvImpl(std::int64_t in_channels, std::int64_t out_channels,
                                                 std::int64_t groups)
    : groups_(groups) {
  TORCH_CHECK(in_channels % groups == 0, "deformable conv: ", in_channels, " channels do not split into ", groups,
              " groups");
  conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 3).padding(1)));
}

torch::Tensor ModulatedDeformConvImpl::forward(const torch::Tensor& input, const torch::Tensor& offset,
                                               const torch::Tensor& mask) {
  return modulated_deform_conv3x3(input, offset, mask, conv_->weight, conv_->bias, groups_);
}

}  // namespace crackkd::models
