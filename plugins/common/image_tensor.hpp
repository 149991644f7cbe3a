#pragma once
// Conversions between OpenCV images and CrackKD's sample tensors, shared by the
// first-party plugins that use OpenCV (datasets, noises).

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

namespace crackkd::plugins {

/// 8-bit RGB HxWx3 → float 3xHxW in [0, 1].
at::Tensor rgb_to_tensor(const cv::Mat& rgb);
/// 8-bit single-channel HxW → float 1xHxW in {0, 1}, pixel >= 128 is crack.
at::Tensor mask_to_tensor(const cv::Mat& gray);
/// float 3xHxW in [0, 1] (any device) → 8-bit RGB HxWx3, rounded and clamped.
cv::Mat tensor_to_rgb(const at::Tensor& image);

}  // namespace crackkd::plugins
