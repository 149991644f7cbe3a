#pragma once
// PoolFormer block (Yu et al., MetaFormer): token mixing by average pooling instead of
// attention, then a channel MLP, each branch scaled by a learnable per-channel layer
// scale (initialised small, 1e-5, so deep stacks start near identity) and dropped per
// sample by stochastic depth while training.
//
//   x = x + ls1 * DropPath(AvgPool3x3(GN(x)) - GN(x))
//   x = x + ls2 * DropPath(MLP(GN(x)))      MLP = 1x1 (C -> hidden), GELU, 1x1 (hidden -> C)
//
// Without autograd (inference, a frozen teacher) the residual branches are added in place:
// three fewer full-size activations per block to allocate and stream through memory.
// (Running the wide MLP over bands of rows, to keep its hidden activation in cache, was
// measured 1.5-3x slower with LibTorch 1.13's oneDNN convolutions, and dropped.)

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>

namespace crackkd::models {

struct PoolingBlockOptions {
  std::int64_t channels = 64;
  std::int64_t hidden = 256;    ///< MLP width
  bool depthwise_mlp = false;   ///< both 1x1 convs grouped by channels (needs hidden % channels == 0)
  double drop_path = 0.0;       ///< probability of skipping a branch for a sample while training
  double layer_scale_init = 1e-5;
};

class PoolingBlockImpl : public torch::nn::Module {
 public:
  explicit PoolingBlockImpl(const PoolingBlockOptions& o);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::Tensor drop_path(const torch::Tensor& branch) const;
  torch::Tensor mlp(const torch::Tensor& x);
  torch::Tensor inference_forward(const torch::Tensor& x);

  PoolingBlockOptions options_;
  torch::nn::GroupNorm norm1_{nullptr}, norm2_{nullptr};
  torch::nn::Conv2d fc1_{nullptr}, fc2_{nullptr};
  torch::Tensor layer_scale1_, layer_scale2_;
};
TORCH_MODULE(PoolingBlock);

}  // namespace crackkd::models
