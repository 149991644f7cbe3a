#pragma once
// The `noise_mix` table of a training stage: the reference paper's mix of clean images and
// noisy extra copies, parsed once at validation (an empty table, or none, is no mix).
//
//   noise_mix = { clean = 2, noisy = 1, noises = ["salt", "pepper", "blur", "texture"], intensity = [0.1, 0.5] }

#include <crackkd/options.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace crackkd::training {

/// `noise_mix` table of a training stage.
struct NoiseMixOptions {
  std::int64_t clean = 2;
  std::int64_t noisy = 1;
  std::vector<std::string> noises;
  std::vector<double> intensity = {0.1, 0.5};
  static void declare(OptionSchema<NoiseMixOptions>& s) {
    s.optional("clean", &NoiseMixOptions::clean, "share of clean samples").in_range(1, 1000);
    s.optional("noisy", &NoiseMixOptions::noisy, "share of noisy extra copies (0 = none)").in_range(0, 1000);
    s.required("noises", &NoiseMixOptions::noises, "[noises.*] entries sharing the noisy copies equally");
    s.optional("intensity", &NoiseMixOptions::intensity, "[low, high] of the uniform noise intensity")
        .size_is(2).in_range(0.0, 1.0);
  }
  void check(const Params& p) const {
    if (intensity[0] > intensity[1])
      throw ConfigError(p.at("intensity").where, p.qualified("intensity") + ": low above high");
    if (noises.empty()) throw ConfigError(p.at("noises").where, p.qualified("noises") + ": name at least one noise");
  }
};

}  // namespace crackkd::training
