// noise.salt and noise.pepper: impulse noise. Each pixel independently, with probability
// `intensity`, becomes white (salt) or black (pepper) in all three channels. So intensity
// is the expected fraction of pixels replaced: 0.3 replaces ~30 % of them.
//
//   [noises]
//   salt   = { plugin = "salt" }
//   pepper = { plugin = "pepper" }
//
// The mask is unchanged. The draws come from the sample's Rng: the same seed corrupts the
// same pixels on every run and for every model.

#include <crackkd/plugin.hpp>
#include <crackkd/noise.hpp>

#include <ATen/ATen.h>

#include <vector>

namespace {

struct ImpulseNoiseOptions {
  static void declare(crackkd::OptionSchema<ImpulseNoiseOptions>&) {}  // the intensity is all there is
};

/// Bernoulli(p) per pixel, HxW, from the sample's stream.
at::Tensor pixel_mask(std::int64_t h, std::int64_t w, double p, crackkd::Rng& rng) {
  std::vector<std::uint8_t> hits(static_cast<std::size_t>(h * w));
  for (auto& hit : hits) hit = rng.bernoulli(p) ? 1 : 0;
  return at::from_blob(hits.data(), {h, w}, at::kByte).clone().to(at::kBool);
}

template <int kValue>
class ImpulseNoise : public crackkd::Noise {
 public:
  using Options = ImpulseNoiseOptions;
  explicit ImpulseNoise(const Options&) {}

  crackkd::Sample apply(crackkd::Sample s, double intensity, crackkd::Rng& rng) const override {
    if (intensity <= 0.0) return s;
    const auto hit = pixel_mask(s.image.size(1), s.image.size(2), intensity, rng).to(s.image.device());
    s.image = s.image.masked_fill(hit.unsqueeze(0), static_cast<double>(kValue));
    return s;
  }
};

using SaltNoise = ImpulseNoise<1>;
using PepperNoise = ImpulseNoise<0>;

}  // namespace

CRACKKD_PLUGIN(noise, salt, SaltNoise, "Salt noise: each pixel turns white with probability intensity")
CRACKKD_PLUGIN(noise, pepper, PepperNoise, "Pepper noise: each pixel turns black with probability intensity")
