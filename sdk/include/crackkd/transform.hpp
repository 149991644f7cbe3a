#pragma once
// A transform maps a sample to a sample: the augmentations (flip, colour jitter, resize,
// ...). Deterministic given the Rng, so a seed reproduces the exact images. Noises, whose
// strength varies per call, are their own interface (noise.hpp).

#include <crackkd/rng.hpp>
#include <crackkd/sample.hpp>

namespace crackkd {

/// Example: `Sample noisy = salt.apply(clean, rng);`. `apply` owns its argument and may
/// modify its tensors in place; datasets hand out tensors no one else holds.
class Transform {
 public:
  virtual ~Transform() = default;
  virtual Sample apply(Sample sample, Rng& rng) const = 0;
};

}  // namespace crackkd
