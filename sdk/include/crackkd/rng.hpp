#pragma once
// Every random choice in CrackKD flows from the pipeline seed through an explicit Rng, so
// a run is reproducible and a test can pin it. The draws are computed here from raw
// 64-bit words (not std::*_distribution, whose results differ between standard
// libraries), so a seed gives the same images everywhere.

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <sstream>
#include <string>

namespace crackkd {

/// A seeded random stream. Example: `Rng rng = Rng::derive(seed, {epoch, index});
/// if (rng.bernoulli(0.5)) flip(sample);`
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

  /// An independent stream for a (seed, key…) pair, e.g. one per epoch and sample index,
  /// so results do not depend on the order in which threads draw.
  static Rng derive(std::uint64_t seed, std::initializer_list<std::uint64_t> keys) {
    std::uint64_t h = mix(seed ^ 0x9E3779B97F4A7C15ull);
    for (std::uint64_t k : keys) h = mix(h ^ mix(k + 0x632BE59BD9B4E019ull));
    return Rng(h);
  }

  std::uint64_t next() { return engine_(); }
  /// Uniform in [lo, hi).
  double uniform(double lo = 0.0, double hi = 1.0) {
    return lo + (hi - lo) * (static_cast<double>(next() >> 11) * 0x1.0p-53);
  }
  /// Uniform integer in [lo, hi] (both included).
  std::int64_t integer(std::int64_t lo, std::int64_t hi) {
    const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
    if (span == 0) return static_cast<std::int64_t>(next());
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return lo + static_cast<std::int64_t>(x % span);
  }
  bool bernoulli(double p) { return uniform() < p; }
  /// Normal draw by Box-Muller.
  double normal(double mean = 0.0, double stddev = 1.0) {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  /// The full engine state as text, for checkpoints; `set_state` restores it.
  std::string state() const {
    std::ostringstream s;
    s << engine_;
    return s.str();
  }
  void set_state(const std::string& text) {
    std::istringstream s(text);
    s >> engine_;
  }

 private:
  static std::uint64_t mix(std::uint64_t z) {  // splitmix64 finaliser
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::mt19937_64 engine_;
};

}  // namespace crackkd
