#pragma once
// Convolutional patch embedding (CvT): a strided convolution that shrinks the image or
// the previous stage, then a LayerNorm over channels at each pixel. `depthwise` is the
// PoolingCrack-Tiny form: a depth-wise k x k convolution, then a 1x1 to the new width.

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>

namespace crackkd::models {

struct PatchEmbeddingOptions {
  std::int64_t in_channels = 3;
  std::int64_t out_channels = 64;
  std::int64_t kernel = 7;
  std::int64_t stride = 4;
  std::int64_t padding = 2;
  bool depthwise = false;
};

class PatchEmbeddingImpl : public torch::nn::Module {
 public:
  explicit PatchEmbeddingImpl(const PatchEmbeddingOptions& o);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d spatial_{nullptr};    ///< dense k x k, or depth-wise k x k
  torch::nn::Conv2d pointwise_{nullptr};  ///< 1x1 after a depth-wise conv; null for dense
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(PatchEmbedding);

}  // namespace crackkd::models
