// transform.hflip and transform.vflip: mirror image and mask together, with probability p.
//
//   augment = [{ plugin = "hflip" }, { plugin = "vflip", p = 0.5 }]

#include <crackkd/plugin.hpp>
#include <crackkd/transform.hpp>

#include <ATen/ATen.h>

namespace {

struct FlipOptions {
  double p = 0.5;
  static void declare(crackkd::OptionSchema<FlipOptions>& s) {
    s.optional("p", &FlipOptions::p, "probability of flipping a sample").in_range(0.0, 1.0);
  }
};

template <int kAxis>  // axis of a CxHxW sample: 1 mirrors top-bottom, 2 left-right
class Flip : public crackkd::Transform {
 public:
  using Options = FlipOptions;
  explicit Flip(const Options& o) : options_(o) {}

  crackkd::Sample apply(crackkd::Sample s, crackkd::Rng& rng) const override {
    if (!rng.bernoulli(options_.p)) return s;
    s.image = s.image.flip({kAxis});
    s.mask = s.mask.flip({kAxis});
    return s;
  }

 private:
  Options options_;
};

using HorizontalFlip = Flip<2>;
using VerticalFlip = Flip<1>;

}  // namespace

CRACKKD_PLUGIN(transform, hflip, HorizontalFlip, "Mirror image and mask left-right with probability p")
CRACKKD_PLUGIN(transform, vflip, VerticalFlip, "Mirror image and mask top-bottom with probability p")
