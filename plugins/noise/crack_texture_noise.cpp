// noise.crack_texture: crack-like distractors that are not cracks. Thin dark strokes
// (random walks, 1-3 px wide) are drawn on the image; the mask is left as it is, so a
// model that calls every dark line a crack is penalised. This mimics mortar-joint edges,
// scratches, stains and cables in real inspection photos.
//
// Definition: the number of strokes is round(intensity * strokes_at_full * area / 224^2),
// so intensity 0.5 draws 10 strokes on a 224x224 patch by default. Each stroke starts at
// a uniform point with a uniform heading, walks 0.2-0.6 of the image side in steps of
// side/40 with heading jitter N(0, 0.35 rad), is 1-3 px wide, and multiplies the pixels it
// covers by a darkness factor in [0.35, 0.65] (darker relative to the local background,
// as cracks are). All draws come from the sample's Rng.
//
//   [noises]
//   texture = { plugin = "crack_texture", strokes_at_full = 20 }

#include "image_tensor.hpp"

#include <crackkd/plugin.hpp>
#include <crackkd/noise.hpp>

#include <ATen/ATen.h>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace {

struct CrackTextureOptions {
  std::int64_t strokes_at_full = 20;
  static void declare(crackkd::OptionSchema<CrackTextureOptions>& s) {
    s.optional("strokes_at_full", &CrackTextureOptions::strokes_at_full,
               "strokes at intensity 1 on a 224x224 image (scaled by area)")
        .in_range(1, 10000);
  }
};

class CrackTextureNoise : public crackkd::Noise {
 public:
  using Options = CrackTextureOptions;
  explicit CrackTextureNoise(const Options& o) : options_(o) {}

  crackkd::Sample apply(crackkd::Sample s, double intensity, crackkd::Rng& rng) const override {
    const int h = static_cast<int>(s.image.size(1)), w = static_cast<int>(s.image.size(2));
    const double area_scale = static_cast<double>(h) * w / (224.0 * 224.0);
    const auto strokes = std::lround(intensity * static_cast<double>(options_.strokes_at_full) * area_scale);
    if (strokes <= 0) return s;
    // Darkness per pixel: 1 where untouched, the stroke's factor where drawn (darkest wins).
    cv::Mat factor(h, w, CV_32FC1, cv::Scalar(1.0f));
    const double side = std::max(h, w);
    const double step = std::max(2.0, side / 40.0);
    for (long i = 0; i < strokes; ++i) {
      cv::Point2d p(rng.uniform(0, w), rng.uniform(0, h));
      double heading = rng.uniform(0, 2 * M_PI);
      const double length = rng.uniform(0.2, 0.6) * side;
      const int width = static_cast<int>(rng.integer(1, 3));
      const float darkness = static_cast<float>(rng.uniform(0.35, 0.65));
      std::vector<cv::Point> path{cv::Point(static_cast<int>(p.x), static_cast<int>(p.y))};
      for (double walked = 0; walked < length; walked += step) {
        heading += rng.normal(0.0, 0.35);
        p += cv::Point2d(std::cos(heading), std::sin(heading)) * step;
        path.emplace_back(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y)));
      }
      cv::Mat stroke(h, w, CV_32FC1, cv::Scalar(1.0f));
      cv::polylines(stroke, path, false, cv::Scalar(darkness), width, cv::LINE_AA);
      cv::min(factor, stroke, factor);
    }
    auto scale = at::from_blob(factor.data, {1, h, w}, at::kFloat).clone().to(s.image.device());
    s.image = s.image * scale;
    return s;
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(noise, crack_texture, CrackTextureNoise,
               "Crack-like distractor strokes drawn on the image only (the mask is unchanged)")
