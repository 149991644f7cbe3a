#pragma once
// An epoch's samples: which it serves, in which order, and which of them are corrupted
// by a noise: the reference paper's mixed clean/noisy input (§2.1).
//
// With a mix of clean : noisy = 2 : 1 over n images, an epoch serves every image once,
// clean, plus round(n * 1 / 2) noisy *extra copies* (the paper's 2000 clean + 1000 noisy
// images): the copies cycle through the images in a shuffled order and through the noise
// types in turn, so each noise has an equal share (within one) and each image at most
// ceil(noisy / clean) copies; each copy's intensity is uniform in [lo, hi]. The whole list
// is then shuffled. Everything depends only on (seed, epoch).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace crackkd::data {

struct NoiseMix {
  std::int64_t clean = 2;
  std::int64_t noisy = 1;
  std::size_t noise_types = 0;  ///< how many noises share the noisy part
  double intensity_low = 0.1;
  double intensity_high = 0.5;
};

struct EpochSample {
  std::size_t index = 0;  ///< dataset index
  int noise = -1;         ///< index into the mix's noises; -1 = clean
  double intensity = 0.0;
};

/// The epoch's samples in serving order; `mix` null = every image once, clean.
std::vector<EpochSample> epoch_samples(std::size_t images, const NoiseMix* mix, std::uint64_t seed, std::int64_t epoch);

}  // namespace crackkd::data
