#include "image_tensor.hpp"

#include <ATen/ATen.h>

namespace crackkd::datasets {

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

}  // namespace crackkd::datasets
