// transform.random_crop: a crop of `size` = [height, width] at a uniform position, the
// same for image and mask, so photos of other sizes train at a fixed size. A sample
// smaller than the crop is padded first (zeros: black image, no crack) when
// `pad_if_needed`; otherwise it is an error naming the sample.
//
//   augment = [{ plugin = "random_crop", size = [224, 224] }]

#include <crackkd/plugin.hpp>
#include <crackkd/transform.hpp>

#include <ATen/ATen.h>

namespace {

struct RandomCropOptions {
  std::vector<std::int64_t> size = {224, 224};
  bool pad_if_needed = true;
  static void declare(crackkd::OptionSchema<RandomCropOptions>& s) {
    s.optional("size", &RandomCropOptions::size, "crop [height, width] in pixels").size_is(2).in_range(1, 65536);
    s.optional("pad_if_needed", &RandomCropOptions::pad_if_needed, "pad samples smaller than the crop with zeros");
  }
};

class RandomCrop : public crackkd::Transform {
 public:
  using Options = RandomCropOptions;
  explicit RandomCrop(const Options& o) : options_(o) {}

  crackkd::Sample apply(crackkd::Sample s, crackkd::Rng& rng) const override {
    const auto th = options_.size[0], tw = options_.size[1];
    const auto h = s.image.size(1), w = s.image.size(2);
    if (h < th || w < tw) {
      if (!options_.pad_if_needed)
        throw crackkd::Error("random_crop: " + s.id + " is " + std::to_string(w) + "x" + std::to_string(h) +
                             " (width x height), smaller than the crop size = [" + std::to_string(th) + ", " +
                             std::to_string(tw) + "] ([height, width]); pad_if_needed = true pads it");
      const std::vector<std::int64_t> pad{0, std::max<std::int64_t>(0, tw - w), 0, std::max<std::int64_t>(0, th - h)};
      s.image = at::constant_pad_nd(s.image, pad, 0.0);
      s.mask = at::constant_pad_nd(s.mask, pad, 0.0);
    }
    const auto top = rng.integer(0, s.image.size(1) - th), left = rng.integer(0, s.image.size(2) - tw);
    s.image = s.image.narrow(1, top, th).narrow(2, left, tw).contiguous();
    s.mask = s.mask.narrow(1, top, th).narrow(2, left, tw).contiguous();
    return s;
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(transform, random_crop, RandomCrop, "Crop image and mask to size at a random position (padding if smaller)")
