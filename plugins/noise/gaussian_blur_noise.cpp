// noise.gaussian_blur: a Gaussian blur whose kernel grows with intensity p:
//
//   k = 2 * round(10 p) + 1              (p = 0: k = 1, no change; p = 0.5: k = 11)
//   sigma = 0.3 * ((k - 1) / 2 - 1) + 0.8   (OpenCV's rule for a kernel of size k)
//
// applied to each channel with reflected borders (OpenCV's BORDER_REFLECT_101). Blur
// widens a 1-pixel crack into a faint band: the failure mode of out-of-focus photos.
//
//   [noises]
//   blur = { plugin = "gaussian_blur" }

#include "image_tensor.hpp"

#include <crackkd/plugin.hpp>
#include <crackkd/noise.hpp>

#include <ATen/ATen.h>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace {

struct GaussianBlurOptions {
  static void declare(crackkd::OptionSchema<GaussianBlurOptions>&) {}  // the intensity is all there is
};

class GaussianBlurNoise : public crackkd::Noise {
 public:
  using Options = GaussianBlurOptions;
  explicit GaussianBlurNoise(const Options&) {}

  static int kernel_size(double intensity) { return 2 * static_cast<int>(std::lround(10.0 * intensity)) + 1; }

  crackkd::Sample apply(crackkd::Sample s, double intensity, crackkd::Rng&) const override {
    const int k = kernel_size(intensity);
    if (k <= 1) return s;
    const double sigma = 0.3 * ((k - 1) / 2.0 - 1.0) + 0.8;
    // Float32 planes: no rounding to 8 bits, so the blur changes nothing but the blur.
    auto hwc = s.image.detach().permute({1, 2, 0}).contiguous().to(at::kCPU);
    cv::Mat image(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_32FC3, hwc.data_ptr<float>());
    cv::Mat blurred;
    cv::GaussianBlur(image, blurred, cv::Size(k, k), sigma, sigma, cv::BORDER_REFLECT_101);
    auto out = at::from_blob(blurred.data, {blurred.rows, blurred.cols, 3}, at::kFloat).clone();
    s.image = out.permute({2, 0, 1}).contiguous().to(s.image.device());
    return s;
  }
};

}  // namespace

CRACKKD_PLUGIN(noise, gaussian_blur, GaussianBlurNoise,
               "Gaussian blur, kernel 2*round(10*intensity)+1 with OpenCV's sigma for that size, reflected borders")
