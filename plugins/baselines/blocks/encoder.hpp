#pragma once
// What the baseline decoders need from an encoder: features at strides 2, 4, 8, 16 and 32
// (index 0 to 4) and their channel counts. Models hand the last four to distillers.

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <vector>

namespace crackkd::baselines {

using EncoderFeatures = std::vector<at::Tensor>;  ///< five maps, strides 2 … 32
using EncoderChannels = std::array<std::int64_t, 5>;

}  // namespace crackkd::baselines
