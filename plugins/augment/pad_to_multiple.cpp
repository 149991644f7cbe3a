// transform.pad_to_multiple: pads a sample at the bottom and right until both sides are
// multiples of `multiple`, so photos of mixed sizes batch after a resize keeping their
// aspect: the image with zeros (black) or by reflection, the mask with zeros (no crack).
//
//   augment = [{ plugin = "resize", longer_side = 448 }, { plugin = "pad_to_multiple", multiple = 32 }]

#include <crackkd/plugin.hpp>
#include <crackkd/transform.hpp>

#include <ATen/ATen.h>

namespace {

struct PadToMultipleOptions {
  std::int64_t multiple = 32;
  std::string image_fill = "zeros";
  static void declare(crackkd::OptionSchema<PadToMultipleOptions>& s) {
    s.optional("multiple", &PadToMultipleOptions::multiple, "both sides become multiples of this").in_range(1, 4096);
    s.optional("image_fill", &PadToMultipleOptions::image_fill, "image padding: zeros (black) or reflect")
        .one_of({"zeros", "reflect"});
  }
};

class PadToMultiple : public crackkd::Transform {
 public:
  using Options = PadToMultipleOptions;
  explicit PadToMultiple(const Options& o) : options_(o) {}

  crackkd::Sample apply(crackkd::Sample s, crackkd::Rng&) const override {
    const auto extra = [&](std::int64_t n) { return (options_.multiple - n % options_.multiple) % options_.multiple; };
    const std::vector<std::int64_t> pad{0, extra(s.image.size(2)), 0, extra(s.image.size(1))};
    if (pad[1] == 0 && pad[3] == 0) return s;
    // Reflection needs padding smaller than the side; zeros take over where it is not.
    const bool reflect = options_.image_fill == "reflect" && pad[1] < s.image.size(2) && pad[3] < s.image.size(1);
    s.image = reflect ? at::reflection_pad2d(s.image.unsqueeze(0), pad).squeeze(0)
                      : at::constant_pad_nd(s.image, pad, 0.0);
    s.mask = at::constant_pad_nd(s.mask, pad, 0.0);
    return s;
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(transform, pad_to_multiple, PadToMultiple,
               "Pad image and mask at the bottom and right to sides that are multiples of `multiple`")
