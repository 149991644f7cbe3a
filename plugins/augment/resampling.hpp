#pragma once
// Resampling a sample to another size, as every geometric transform here does it: the
// image bilinearly (antialiased when it shrinks, so thin cracks fade rather than break
// into dots), the mask by nearest neighbour, so it stays 0/1.

#include <crackkd/sample.hpp>

#include <cstdint>

namespace crackkd::augment {

/// `s` resampled to `height` x `width` (both >= 1).
Sample resized(Sample s, std::int64_t height, std::int64_t width);

}  // namespace crackkd::augment
