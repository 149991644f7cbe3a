#pragma once
// ImageNet's standardisation written out by hand: the reference a model's own
// `input_normalisation = "imagenet"` is checked against (baselines and PoolFormer tests).

#include <crackkd/model.hpp>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

namespace crackkd::test {

/// `standardising` on [0, 1] images gives what `plain` (the same weights, no
/// normalisation) gives on the standardised images, and not what it gives on raw ones.
inline void expect_standardises_its_input(SegmentationModel& standardising, SegmentationModel& plain,
                                          const std::string& what) {
  standardising.eval();
  plain.eval();
  const auto images = torch::rand({1, 3, 64, 64});
  const auto mean = torch::tensor({0.485, 0.456, 0.406}).view({1, 3, 1, 1});
  const auto deviation = torch::tensor({0.229, 0.224, 0.225}).view({1, 3, 1, 1});
  torch::NoGradGuard no_grad;
  const auto expected = plain.forward((images - mean) / deviation).logits;
  EXPECT_TRUE(torch::allclose(standardising.forward(images).logits, expected, 1e-4, 1e-5)) << what;
  EXPECT_FALSE(torch::allclose(plain.forward(images).logits, expected, 1e-4, 1e-5)) << what;
}

}  // namespace crackkd::test
