#pragma once
// The PoolFormer encoder: four stages, each a patch embedding (stride 4 for the first,
// 2 after) and a stack of pooling blocks, with a GroupNorm(1, C) on each stage's output.
// The four normalised outputs (strides 4, 8, 16, 32) are the decoder's inputs and the
// features that distillation compares.

#include "blocks/patch_embedding.hpp"
#include "blocks/pooling_block.hpp"

#include <torch/nn/modules/container/sequential.h>

#include <array>
#include <vector>

namespace crackkd::models {

struct PoolFormerEncoderOptions {
  std::array<std::int64_t, 4> channels{64, 128, 320, 512};
  std::array<std::int64_t, 4> depths{6, 6, 18, 6};
  std::array<std::int64_t, 4> mlp_hidden{256, 512, 1280, 2048};
  bool depthwise_mlp = false;
  bool depthwise_embedding = false;
  double drop_path = 0.0;  ///< reached by the last block, rising linearly from 0
  double layer_scale_init = 1e-5;
};

/// One stage: patch embedding, pooling blocks, and the norm of its feature output.
struct PoolFormerStageImpl : torch::nn::Module {
  PoolFormerStageImpl(const PatchEmbeddingOptions& embedding, const std::vector<PoolingBlockOptions>& blocks);
  PatchEmbedding embed{nullptr};
  torch::nn::Sequential blocks{nullptr};
  torch::nn::GroupNorm norm{nullptr};
};
TORCH_MODULE(PoolFormerStage);

class PoolFormerEncoderImpl : public torch::nn::Module {
 public:
  explicit PoolFormerEncoderImpl(const PoolFormerEncoderOptions& o);
  std::vector<torch::Tensor> forward(torch::Tensor x);

 private:
  std::vector<PoolFormerStage> stages_;  ///< registered as stage1 … stage4
};
TORCH_MODULE(PoolFormerEncoder);

}  // namespace crackkd::models
