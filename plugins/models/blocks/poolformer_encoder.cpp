#include "blocks/poolformer_encoder.hpp"

namespace crackkd::models {

PoolFormerStageImpl::PoolFormerStageImpl(const PatchEmbeddingOptions& embedding,
                                         const std::vector<PoolingBlockOptions>& block_options) {
  embed = register_module("embed", PatchEmbedding(embedding));
  blocks = register_module("blocks", torch::nn::Sequential());
  for (const auto& b : block_options) blocks->push_back(PoolingBlock(b));
  norm = register_module("norm", torch::nn::GroupNorm(1, embedding.out_channels));
}

PoolFormerEncoderImpl::PoolFormerEncoderImpl(const PoolFormerEncoderOptions& o) {
  const std::int64_t total_blocks = o.depths[0] + o.depths[1] + o.depths[2] + o.depths[3];
  std::int64_t block_index = 0;
  for (std::size_t s = 0; s < 4; ++s) {
    PatchEmbeddingOptions embed;
    embed.in_channels = s == 0 ? 3 : o.channels[s - 1];
    embed.out_channels = o.channels[s];
    embed.kernel = s == 0 ? 7 : 3;
    embed.stride = s == 0 ? 4 : 2;
    embed.padding = s == 0 ? 2 : 1;
    embed.depthwise = o.depthwise_embedding;
    std::vector<PoolingBlockOptions> blocks;
    for (std::int64_t b = 0; b < o.depths[s]; ++b, ++block_index) {
      PoolingBlockOptions block;
      block.channels = o.channels[s];
      block.hidden = o.mlp_hidden[s];
      block.depthwise_mlp = o.depthwise_mlp;
      // Stochastic depth rises linearly over all blocks, 0 for the first.
      block.drop_path = total_blocks > 1 ? o.drop_path * static_cast<double>(block_index) /
                                               static_cast<double>(total_blocks - 1)
                                         : 0.0;
      block.layer_scale_init = o.layer_scale_init;
      blocks.push_back(block);
    }
    stages_.push_back(register_module("stage" + std::to_string(s + 1), PoolFormerStage(embed, blocks)));
  }
}

std::vector<torch::Tensor> PoolFormerEncoderImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> features;
  for (auto& stage : stages_) {
    x = stage->blocks->forward(stage->embed->forward(x));
    // As PoolFormer's dense-prediction form: the next stage reads the un-normalised x.
    features.push_back(stage->norm->forward(x));
  }
  return features;
}

}  // namespace crackkd::models
