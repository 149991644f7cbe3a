#pragma once
// The learning rate at each optimiser step. A pure function of the step, so a resumed run
// sets exactly the rates an uninterrupted one would, with nothing extra to checkpoint.
//
//   constant  lr at every step (the reference paper states AdamW at 1e-3 and nothing more)
//   cosine    lr · ½(1 + cos(π·t)), t going 0 → 1 over the steps after the warm-up
//
// A linear warm-up (lr · (s+1)/warmup_steps) comes first for either; large models trained
// from scratch at batch 2 (the 31 M-parameter teacher) need it to avoid early divergence.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace crackkd::training {

struct LrSchedule {
  std::string kind = "constant";  ///< "constant" or "cosine"
  double lr = 1e-3;
  std::int64_t warmup_steps = 0;
  std::int64_t total_steps = 1;

  /// The rate for step `s` (0-based).
  double at(std::int64_t s) const {
    if (s < warmup_steps) return lr * static_cast<double>(s + 1) / static_cast<double>(warmup_steps);
    if (kind != "cosine") return lr;
    const double span = static_cast<double>(std::max<std::int64_t>(1, total_steps - warmup_steps));
    const double t = std::clamp(static_cast<double>(s - warmup_steps) / span, 0.0, 1.0);
    return lr * 0.5 * (1.0 + std::cos(3.14159265358979323846 * t));
  }
};

}  // namespace crackkd::training
