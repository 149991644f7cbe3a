#include "image_tensor.hpp"

#include <ATen/ATen.h>

#include <cstring>

namespace crackkd::plugins {

at::Tensor rgb_to_tensor(const cv::Mat& rgb) {
  CV_Assert(rgb.type() == CV_8UC3);
  cv::Mat contiguous = rgb.isContinuous() ? rgb : rgb.clone();
  auto view = at::from_blob(contiguous.data, {contiguous.rows, contiguous.cols, 3}, at::kByte);
  return view.permute({2, 0, 1}).to(at::kFloat).div_(255.0f).contiguous();
}

at::Tensor mask_to_tensor(const cv::Mat& gray) {
  CV_Assert(gray.type() == CV_8UC1);
  cv::Mat contiguous = gray.isContinuous() ? gray : gray.clone();
  auto view = at::from_blob(contiguous.data, {1, contiguous.rows, contiguous.cols}, at::kByte);
  return view.ge(128).to(at::kFloat);
}

cv::Mat tensor_to_rgb(const at::Tensor& image) {
  TORCH_CHECK(image.dim() == 3 && image.size(0) == 3, "expected a 3xHxW image, got ", image.sizes());
  auto bytes = image.detach().mul(255.0f).round_().clamp_(0, 255).to(at::kByte).permute({1, 2, 0}).contiguous().cpu();
  cv::Mat rgb(static_cast<int>(bytes.size(0)), static_cast<int>(bytes.size(1)), CV_8UC3);
  std::memcpy(rgb.data, bytes.data_ptr(), static_cast<std::size_t>(bytes.numel()));
  return rgb;
}

}  // namespace crackkd::plugins
