#include "data/epoch_samples.hpp"

#include "data/batching.hpp"

#include <crackkd/rng.hpp>

#include <cmath>

namespace crackkd::data {

std::vector<EpochSample> epoch_samples(std::size_t images, const NoiseMix* mix, std::uint64_t seed, std::int64_t epoch) {
  std::vector<EpochSample> samples;
  for (std::size_t i = 0; i < images; ++i) samples.push_back({i, -1, 0.0});
  if (mix && mix->noisy > 0 && mix->noise_types > 0 && images > 0) {
    Rng rng = Rng::derive(seed, {0x6e6f697379ull /* "noisy" */, static_cast<std::uint64_t>(epoch)});
    const auto copies = static_cast<std::size_t>(
        std::llround(static_cast<double>(images) * static_cast<double>(mix->noisy) / static_cast<double>(mix->clean)));
    const auto first_noise = static_cast<std::size_t>(rng.integer(0, static_cast<std::int64_t>(mix->noise_types) - 1));
    std::vector<std::size_t> cycle;
    for (std::size_t c = 0; c < copies; ++c) {
      if (cycle.empty()) cycle = epoch_order(images, rng.next(), epoch);
      EpochSample s;
      s.index = cycle.back();
      cycle.pop_back();
      s.noise = static_cast<int>((first_noise + c) % mix->noise_types);
      s.intensity = rng.uniform(mix->intensity_low, mix->intensity_high);
      samples.push_back(s);
    }
  }
  const auto order = epoch_order(samples.size(), seed, epoch);
  std::vector<EpochSample> shuffled;
  shuffled.reserve(samples.size());
  for (auto i : order) shuffled.push_back(samples[i]);
  return shuffled;
}

}  // namespace crackkd::data
