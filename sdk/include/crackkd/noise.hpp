#pragma once
// A noise: a corruption of the image whose strength is a parameter of each call, so one
// object serves every intensity (evaluation's levels, the training mix's uniform draws).
// Salt, pepper, gaussian blur and crack texture are the paper's four.

#include <crackkd/rng.hpp>
#include <crackkd/sample.hpp>

namespace crackkd {

/// Example: `Sample noisy = salt.apply(clean, 0.3, rng);`
class Noise {
 public:
  virtual ~Noise() = default;
  /// `intensity` in [0, 1]: 0 leaves the image unchanged, 1 is the strongest corruption
  /// the noise defines. Deterministic given the Rng; the mask is left as it is. `apply`
  /// owns its argument and may modify its tensors in place. Called from several loader
  /// threads at once, so it must not change the object.
  virtual Sample apply(Sample sample, double intensity, Rng& rng) const = 0;
};

}  // namespace crackkd
