// transform.random_scale: scales a sample by a factor drawn uniformly from `scale`, with
// probability p (cracks photographed nearer or farther), image bilinear and mask nearest
// (resampling.hpp). Follow it with random_crop to train at a fixed size.
//
//   augment = [{ plugin = "random_scale", scale = [0.75, 1.5] }, { plugin = "random_crop", size = [224, 224] }]

#include "resampling.hpp"

#include <crackkd/plugin.hpp>
#include <crackkd/transform.hpp>

#include <cmath>

namespace {

struct RandomScaleOptions {
  std::vector<double> scale = {0.75, 1.5};
  double p = 1.0;
  static void declare(crackkd::OptionSchema<RandomScaleOptions>& s) {
    s.optional("scale", &RandomScaleOptions::scale, "[lowest, highest] factor, drawn uniformly")
        .size_is(2).in_range(0.01, 100.0);
    s.optional("p", &RandomScaleOptions::p, "probability of scaling a sample").in_range(0.0, 1.0);
  }
  void check(const crackkd::Params& p) const {
    if (scale[0] > scale[1])
      throw crackkd::ConfigError(p.where(), p.qualified("scale") + " must be [lowest, highest]");
  }
};

class RandomScale : public crackkd::Transform {
 public:
  using Options = RandomScaleOptions;
  explicit RandomScale(const Options& o) : options_(o) {}

  crackkd::Sample apply(crackkd::Sample s, crackkd::Rng& rng) const override {
    if (!rng.bernoulli(options_.p)) return s;
    const double factor = rng.uniform(options_.scale[0], options_.scale[1]);
    const auto side = [&](std::int64_t n) {
      return std::max<std::int64_t>(1, std::llround(static_cast<double>(n) * factor));
    };
    return crackkd::augment::resized(std::move(s), side(s.image.size(1)), side(s.image.size(2)));
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(transform, random_scale, RandomScale,
               "Scale image (bilinear) and mask (nearest) by a factor drawn from scale, with probability p")
