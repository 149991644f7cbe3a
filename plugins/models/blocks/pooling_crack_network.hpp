#pragma once
// The PoolingCrack network: a PoolFormer encoder and a FaPN decoder. Plain LibTorch, so
// the benchmarks (and a GPU machine with only a PyTorch wheel) can build it without the
// SDK; the model plugins wrap it.

#include "blocks/fapn_decoder.hpp"
#include "blocks/poolformer_encoder.hpp"

#include <utility>

namespace crackkd::models {

struct PoolingCrackNetworkOptions {
  PoolFormerEncoderOptions encoder;
  FapnDecoderOptions decoder;
};

/// PoolingCrack-Tiny as the plugin's defaults build it ("B", 498,271 parameters).
PoolingCrackNetworkOptions pct_network_options();

class PoolingCrackNetworkImpl : public torch::nn::Module {
 public:
  explicit PoolingCrackNetworkImpl(const PoolingCrackNetworkOptions& o);
  /// Logits Nx1xHxW and the four stage features (strides 4, 8, 16, 32).
  std::pair<torch::Tensor, std::vector<torch::Tensor>> forward(const torch::Tensor& images);

  PoolFormerEncoder encoder{nullptr};
  FapnDecoder decoder{nullptr};
};
TORCH_MODULE(PoolingCrackNetwork);

}  // namespace crackkd::models
