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
  /// The image before a training stage's noise (`noise_mix`) corrupted it, augmented
  /// alike; set only for a distill stage whose teacher sees clean images
  /// (`teacher_sees = "clean"`), undefined otherwise. Noises leave it alone.
  at::Tensor clean_image;
};

/// Samples stacked along a new first axis: `images` Nx3xHxW, `masks` Nx1xHxW.
struct Batch {
  at::Tensor images;
  at::Tensor masks;
  std::vector<std::string> ids;
  /// The samples' `clean_image`s stacked (Nx3xHxW) when every sample has one; undefined
  /// otherwise. Example: the teacher's input of an RFKD ablation whose student sees noise.
  at::Tensor clean_images;
};

}  // namespace crackkd
