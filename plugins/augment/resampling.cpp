#include "resampling.hpp"

#include <torch/nn/functional/upsampling.h>

namespace crackkd::augment {

Sample resized(Sample s, std::int64_t height, std::int64_t width) {
  namespace F = torch::nn::functional;
  const std::vector<std::int64_t> size{height, width};
  const bool shrinks = height < s.image.size(1) || width < s.image.size(2);
  s.image = F::interpolate(s.image.unsqueeze(0), F::InterpolateFuncOptions()
                                                     .size(size)
                                                     .mode(torch::kBilinear)
                                                     .align_corners(false)
                                                     .antialias(shrinks))
                .squeeze(0)
                .clamp_(0.0, 1.0);
  s.mask = F::interpolate(s.mask.unsqueeze(0), F::InterpolateFuncOptions().size(size).mode(torch::kNearest)).squeeze(0);
  return s;
}

}  // namespace crackkd::augment
