#pragma once
// One image with its mask, and a batch of them.

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace crackkd {

/// `image`: float 3xHxW in [0, 1] (RGB); `mask`: float 1xHxW in {0, 1}; `id`: where the
/// sample came from ("train/images/a_0_10.png"), used in messages and per-image scores.
/// Example: `Sample s{torch::rand({3, 64, 64}), torch::zeros({1, 64, 64}), "synthetic/0"};`
struct Sample {
  at::Tensor image;
  at::Tensor mask;
  std::string id;
};

/// Samples stacked along a new first axis: `images` Nx3xHxW, `masks` Nx1xHxW.
struct Batch {
  at::Tensor images;
  at::Tensor masks;
  std::vector<std::string> ids;
};

}  // namespace crackkd
