#include "blocks/pooling_crack_network.hpp"

namespace crackkd::models {

PoolingCrackNetworkOptions pct_network_options() {
  PoolingCrackNetworkOptions o;
  o.encoder.channels = {48, 96, 192, 384};
  o.encoder.depths = {2, 2, 2, 2};
  o.encoder.mlp_hidden = {768, 48, 24, 24};
  o.encoder.depthwise_embedding = true;
  o.decoder.in_channels = o.encoder.channels;
  o.decoder.width = 48;
  o.decoder.deform_groups = 8;
  o.decoder.per_channel_attention = true;
  return o;
}

PoolingCrackNetworkImpl::PoolingCrackNetworkImpl(const PoolingCrackNetworkOptions& o) {
  encoder = register_module("encoder", PoolFormerEncoder(o.encoder));
  decoder = register_module("decoder", FapnDecoder(o.decoder));
}

std::pair<torch::Tensor, std::vector<torch::Tensor>> PoolingCrackNetworkImpl::forward(const torch::Tensor& images) {
  TORCH_CHECK(images.dim() == 4 && images.size(1) == 3, "expected Nx3xHxW images, got ", images.sizes());
  TORCH_CHECK(images.size(2) % 32 == 0 && images.size(3) % 32 == 0, "input sides must be multiples of 32, got ",
              images.sizes());
  auto features = encoder->forward(images);
  auto logits = decoder->forward(features, images.size(2), images.size(3));
  return {logits, features};
}

}  // namespace crackkd::models
