// transform.random_rotate90: turns image and mask together by 0, 90, 180 or 270 degrees,
// each equally likely (cracks run in any direction; a square patch keeps its size, a
// rectangle swaps its sides).
//
//   augment = [{ plugin = "random_rotate90" }]

#include <crackkd/plugin.hpp>
#include <crackkd/transform.hpp>

#include <ATen/ATen.h>

namespace {

struct RandomRotate90Options {
  static void declare(crackkd::OptionSchema<RandomRotate90Options>&) {}
};

class RandomRotate90 : public crackkd::Transform {
 public:
  using Options = RandomRotate90Options;
  explicit RandomRotate90(const Options&) {}

  crackkd::Sample apply(crackkd::Sample s, crackkd::Rng& rng) const override {
    const auto quarter_turns = rng.integer(0, 3);
    if (quarter_turns == 0) return s;
    s.image = at::rot90(s.image, quarter_turns, {1, 2}).contiguous();
    s.mask = at::rot90(s.mask, quarter_turns, {1, 2}).contiguous();
    return s;
  }
};

}  // namespace

CRACKKD_PLUGIN(transform, random_rotate90, RandomRotate90, "Turn image and mask by 0, 90, 180 or 270 degrees at random")
