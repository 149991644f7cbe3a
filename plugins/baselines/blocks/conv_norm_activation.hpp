#pragma once
// Convolution, batch norm, activation: the unit every baseline encoder is made of, laid
// out as torchvision's Conv2dNormActivation (a Sequential of "0" conv, "1" norm and "2"
// activation) so torchvision state dicts load by name.

#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <vector>

namespace crackkd::baselines {

/// A Sequential of tensor-to-tensor modules that can itself sit in a Sequential (LibTorch's
/// own cannot: its forward is a template). Children are named "0", "1", … as in PyTorch.
class ChainImpl : public torch::nn::SequentialImpl {
 public:
  ChainImpl() = default;
  template <typename... Modules>
  explicit ChainImpl(Modules&&... modules) : SequentialImpl(std::forward<Modules>(modules)...) {}
  at::Tensor forward(const at::Tensor& x) { return SequentialImpl::forward(x); }
};
TORCH_MODULE(Chain);

/// Runs `chain` on `x`, keeping the outputs of the modules at `ends` (ascending indices):
/// how an encoder built as one Sequential hands out its stage features.
std::vector<at::Tensor> outputs_at(ChainImpl& chain, at::Tensor x, const std::vector<std::size_t>& ends);

enum class Activation { None, ReLU, ReLU6, SiLU };

/// Conv (no bias, "same" padding for odd kernels) + BatchNorm2d + activation.
Chain conv_norm_activation(std::int64_t in, std::int64_t out, std::int64_t kernel,
                                           std::int64_t stride = 1, std::int64_t groups = 1,
                                           Activation activation = Activation::ReLU);

/// `value` rounded to a multiple of `divisor`, never below 90 % of it (torchvision's and
/// the MobileNet papers' channel rounding).
std::int64_t make_divisible(double value, std::int64_t divisor = 8);

}  // namespace crackkd::baselines
