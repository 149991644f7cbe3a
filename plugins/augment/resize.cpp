// transform.resize: every sample to one size, or its longer side to a length keeping the
// aspect ratio (photos of mixed sizes from a phone or a drone), image bilinear and mask
// nearest (resampling.hpp). Set exactly one of `size` and `longer_side`.
//
//   augment = [{ plugin = "resize", longer_side = 512 }, { plugin = "random_crop", size = [448, 448] }]

#include "resampling.hpp"

#include <crackkd/plugin.hpp>
#include <crackkd/transform.hpp>

#include <cmath>

namespace {

struct ResizeOptions {
  std::vector<std::int64_t> size;
  std::int64_t longer_side = 0;
  static void declare(crackkd::OptionSchema<ResizeOptions>& s) {
    s.optional("size", &ResizeOptions::size, "[height, width] in pixels (the aspect ratio changes); [] = unset")
        .in_range(1, 65536);
    s.optional("longer_side", &ResizeOptions::longer_side,
               "the longer side's length, keeping the aspect ratio; 0 = unset")
        .in_range(0, 65536);
  }
  void check(const crackkd::Params& p) const {
    if (!size.empty() && size.size() != 2)
      throw crackkd::ConfigError(p.where(), p.qualified("size") + " takes [height, width], not " +
                                                std::to_string(size.size()) + " values");
    if (size.empty() == (longer_side == 0))
      throw crackkd::ConfigError(p.where(), p.qualified("size") + " or longer_side: set exactly one of them");
  }
};

class Resize : public crackkd::Transform {
 public:
  using Options = ResizeOptions;
  explicit Resize(const Options& o) : options_(o) {}

  crackkd::Sample apply(crackkd::Sample s, crackkd::Rng&) const override {
    if (!options_.size.empty()) return crackkd::augment::resized(std::move(s), options_.size[0], options_.size[1]);
    const double h = static_cast<double>(s.image.size(1)), w = static_cast<double>(s.image.size(2));
    const double scale = static_cast<double>(options_.longer_side) / std::max(h, w);
    const auto side = [&](double x) { return std::max<std::int64_t>(1, std::llround(x * scale)); };
    return crackkd::augment::resized(std::move(s), side(h), side(w));
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(transform, resize, Resize,
               "Resize image (bilinear) and mask (nearest) to size, or the longer side to longer_side keeping "
               "the aspect")
