// transform.color_jitter: random brightness, contrast, saturation and hue, as
// torchvision's ColorJitter defines them (the reference paper's training augmentation):
//
//   brightness b: image * f,                          f ~ U[max(0, 1 - b), 1 + b]
//   contrast c:   f * image + (1 - f) * mean(gray),   f ~ U[max(0, 1 - c), 1 + c]
//   saturation s: f * image + (1 - f) * gray,         f ~ U[max(0, 1 - s), 1 + s]
//   hue h:        hue shifted by U[-h, h] turns (h <= 0.5), in HSV
//
// gray = 0.299 R + 0.587 G + 0.114 B; results clamped to [0, 1]; the four are applied in
// a random order, as torchvision does. The mask is unchanged. A range of 0 disables that
// jitter.
//
//   augment = [{ plugin = "color_jitter", brightness = 0.2, contrast = 0.2, saturation = 0.2, hue = 0.05 }]

#include <crackkd/plugin.hpp>
#include <crackkd/transform.hpp>

#include <ATen/ATen.h>

#include <array>

namespace {

struct ColorJitterOptions {
  double brightness = 0.2;
  double contrast = 0.2;
  double saturation = 0.2;
  double hue = 0.05;
  static void declare(crackkd::OptionSchema<ColorJitterOptions>& s) {
    s.optional("brightness", &ColorJitterOptions::brightness, "brightness factor range 1 ± b").in_range(0.0, 10.0);
    s.optional("contrast", &ColorJitterOptions::contrast, "contrast factor range 1 ± c").in_range(0.0, 10.0);
    s.optional("saturation", &ColorJitterOptions::saturation, "saturation factor range 1 ± s").in_range(0.0, 10.0);
    s.optional("hue", &ColorJitterOptions::hue, "hue shift range ± h turns").in_range(0.0, 0.5);
  }
};

at::Tensor grayscale(const at::Tensor& rgb) {
  return (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]).unsqueeze(0);
}

at::Tensor blend(const at::Tensor& image, const at::Tensor& other, double factor) {
  return (factor * image + (1.0 - factor) * other).clamp(0.0, 1.0);
}

/// Hue rotation through HSV (torchvision's tensor formulas).
at::Tensor shift_hue(const at::Tensor& rgb, double shift) {
  const auto r = rgb[0], g = rgb[1], b = rgb[2];
  const auto maxc = std::get<0>(rgb.max(0)), minc = std::get<0>(rgb.min(0));
  const auto equal = maxc == minc;
  const auto cr = maxc - minc;
  const auto ones = at::ones_like(maxc);
  const auto s = cr / at::where(equal, ones, maxc);
  const auto cr_divisor = at::where(equal, ones, cr);
  const auto rc = (maxc - r) / cr_divisor, gc = (maxc - g) / cr_divisor, bc = (maxc - b) / cr_divisor;
  const auto hr = (maxc == r) * (bc - gc);
  const auto hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc);
  const auto hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc);
  auto h = at::fmod((hr + hg + hb) / 6.0 + 1.0, 1.0);
  h = at::fmod(h + shift + 1.0, 1.0);
  const auto v = maxc;
  const auto i = at::floor(h * 6.0);
  const auto f = h * 6.0 - i;
  const auto sector = i.to(at::kInt) % 6;
  const auto p = (v * (1.0 - s)).clamp(0.0, 1.0), q = (v * (1.0 - s * f)).clamp(0.0, 1.0),
             t = (v * (1.0 - s * (1.0 - f))).clamp(0.0, 1.0);
  const auto mask = sector.unsqueeze(0) == at::arange(6, sector.options()).view({-1, 1, 1});  // 6xHxW
  const auto a1 = at::stack({v, q, p, p, t, v}), a2 = at::stack({t, v, v, q, p, p}), a3 = at::stack({p, p, t, v, v, q});
  const auto m = mask.to(rgb.scalar_type());
  return at::stack({(m * a1).sum(0), (m * a2).sum(0), (m * a3).sum(0)});
}

class ColorJitter : public crackkd::Transform {
 public:
  using Options = ColorJitterOptions;
  explicit ColorJitter(const Options& o) : options_(o) {}

  crackkd::Sample apply(crackkd::Sample s, crackkd::Rng& rng) const override {
    std::array<int, 4> order{0, 1, 2, 3};
    for (int i = 3; i > 0; --i) std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(rng.integer(0, i))]);
    auto factor = [&](double range) { return rng.uniform(std::max(0.0, 1.0 - range), 1.0 + range); };
    for (int op : order) {
      if (op == 0 && options_.brightness > 0) s.image = (s.image * factor(options_.brightness)).clamp(0.0, 1.0);
      if (op == 1 && options_.contrast > 0) {
        const double f = factor(options_.contrast);
        s.image = blend(s.image, grayscale(s.image).mean(), f);
      }
      if (op == 2 && options_.saturation > 0) {
        const double f = factor(options_.saturation);
        s.image = blend(s.image, grayscale(s.image), f);
      }
      if (op == 3 && options_.hue > 0) s.image = shift_hue(s.image, rng.uniform(-options_.hue, options_.hue));
    }
    return s;
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(transform, color_jitter, ColorJitter,
               "Random brightness, contrast, saturation and hue as torchvision's ColorJitter (image only)")
