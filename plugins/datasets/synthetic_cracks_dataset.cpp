// dataset.synthetic_cracks: procedural masonry images with cracks and exact masks, so the
// quickstart and the tests run with no data at all.
//
// Each image is a brick wall in running bond (bricks of varied tone, mortar joints, grain,
// stains) crossed by one dark crack: a jittered random walk from one edge towards the
// opposite one, 1-3 px wide, sometimes with a branch. The mask is the crack's stroke.
// Mortar joints and stains are the distractors a real crack model must learn to ignore.
// Sample i depends only on (seed, i), so reads are thread-safe and reproducible.
//
//   [datasets.synthetic]
//   plugin = "synthetic_cracks"
//   count  = 64       # images
//   size   = 128      # side in pixels
//   seed   = 1

#include "image_tensor.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/plugin.hpp>
#include <crackkd/rng.hpp>

#include <ATen/ATen.h>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace {

struct SyntheticCracksOptions {
  std::int64_t count = 64;
  std::int64_t size = 128;
  std::int64_t seed = 1;
  static void declare(crackkd::OptionSchema<SyntheticCracksOptions>& s) {
    s.optional("count", &SyntheticCracksOptions::count, "number of images").in_range(1, 1e7);
    s.optional("size", &SyntheticCracksOptions::size, "side of the square images in pixels").in_range(32, 4096);
    s.optional("seed", &SyntheticCracksOptions::seed, "seed of the generator; image i depends on (seed, i) only");
  }
};

cv::Scalar jitter(crackkd::Rng& rng, cv::Scalar base, double amount) {
  const double shade = rng.uniform(-amount, amount);
  return {std::clamp(base[0] + shade, 0.0, 255.0), std::clamp(base[1] + shade, 0.0, 255.0),
          std::clamp(base[2] + shade, 0.0, 255.0)};
}

void draw_wall(cv::Mat& img, crackkd::Rng& rng) {
  const int side = img.cols;
  const cv::Scalar palette[] = {{150, 80, 60}, {170, 110, 80}, {130, 120, 110}, {180, 160, 130}};
  const cv::Scalar brick_base = palette[rng.integer(0, 3)];
  const cv::Scalar mortar = jitter(rng, {195, 190, 180}, 20);
  img.setTo(mortar);
  const int brick_h = static_cast<int>(rng.integer(side / 8, side / 4));
  const int brick_w = 2 * brick_h + static_cast<int>(rng.integer(0, brick_h / 2));
  const int joint = static_cast<int>(rng.integer(2, 4));
  const int x_shift = static_cast<int>(rng.integer(0, brick_w));
  for (int row = 0, y = -static_cast<int>(rng.integer(0, brick_h)); y < side; ++row, y += brick_h + joint) {
    const int offset = (row % 2) * (brick_w / 2) - x_shift;
    for (int x = offset - brick_w; x < side; x += brick_w + joint)
      cv::rectangle(img, {x, y}, {x + brick_w - 1, y + brick_h - 1}, jitter(rng, brick_base, 25), cv::FILLED);
  }
  const int stains = static_cast<int>(rng.integer(0, 3));
  for (int i = 0; i < stains; ++i) {
    cv::Point c(static_cast<int>(rng.integer(0, side - 1)), static_cast<int>(rng.integer(0, side - 1)));
    const int r = static_cast<int>(rng.integer(side / 20 + 1, side / 8 + 1));
    cv::Mat overlay = img.clone();
    cv::circle(overlay, c, r, jitter(rng, brick_base * 0.6, 15), cv::FILLED, cv::LINE_AA);
    cv::addWeighted(overlay, 0.35, img, 0.65, 0, img);
  }
  // Grain: per-pixel noise, drawn from the sample's own stream.
  for (int y = 0; y < img.rows; ++y) {
    auto* p = img.ptr<cv::Vec3b>(y);
    for (int x = 0; x < img.cols; ++x) {
      const double n = rng.normal(0.0, 7.0);
      for (int c = 0; c < 3; ++c) p[x][c] = cv::saturate_cast<uchar>(p[x][c] + n);
    }
  }
}

std::vector<cv::Point> crack_path(crackkd::Rng& rng, int side, cv::Point2d start, double heading, double length) {
  std::vector<cv::Point> path;
  cv::Point2d p = start;
  const double step = std::max(2.0, side / 40.0);
  for (double walked = 0; walked < length; walked += step) {
    path.emplace_back(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y)));
    heading += rng.normal(0.0, 0.35);
    p += cv::Point2d(std::cos(heading), std::sin(heading)) * step;
    if (p.x < -step || p.y < -step || p.x > side + step || p.y > side + step) break;
  }
  path.emplace_back(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y)));
  return path;
}

class SyntheticCracksDataset : public crackkd::Dataset {
 public:
  using Options = SyntheticCracksOptions;
  explicit SyntheticCracksDataset(const Options& options) : options_(options) {}

  std::size_t size() const override { return static_cast<std::size_t>(options_.count); }
  std::string mask_convention() const override { return "drawn with the image: crack = 1"; }

  crackkd::Sample get(std::size_t index) const override {
    if (index >= size())
      throw crackkd::Error("dataset synthetic_cracks: index " + std::to_string(index) + " past " + std::to_string(size()));
    const int side = static_cast<int>(options_.size);
    auto rng = crackkd::Rng::derive(static_cast<std::uint64_t>(options_.seed), {index});
    cv::Mat rgb(side, side, CV_8UC3);
    cv::Mat mask = cv::Mat::zeros(side, side, CV_8UC1);
    draw_wall(rgb, rng);

    // Start on the left or top edge, head across the patch with a random slant.
    const bool from_left = rng.bernoulli(0.5);
    const double along = rng.uniform(0.15, 0.85) * side;
    const cv::Point2d start = from_left ? cv::Point2d(0, along) : cv::Point2d(along, 0);
    const double heading = (from_left ? 0.0 : M_PI / 2) + rng.uniform(-0.6, 0.6);
    std::vector<std::vector<cv::Point>> strokes;
    strokes.push_back(crack_path(rng, side, start, heading, 2.0 * side));
    if (rng.bernoulli(0.4) && strokes[0].size() > 4) {
      const auto& trunk = strokes[0];
      const cv::Point fork = trunk[static_cast<std::size_t>(rng.integer(1, static_cast<std::int64_t>(trunk.size()) - 2))];
      strokes.push_back(crack_path(rng, side, fork, heading + rng.uniform(0.5, 1.2) * (rng.bernoulli(0.5) ? 1 : -1),
                                   rng.uniform(0.2, 0.6) * side));
    }
    const double darkness = rng.uniform(0.25, 0.5);
    for (std::size_t s = 0; s < strokes.size(); ++s) {
      const int width = s == 0 ? static_cast<int>(rng.integer(1, 3)) : 1;
      cv::Mat stroke = cv::Mat::zeros(side, side, CV_8UC1);
      cv::polylines(stroke, strokes[s], false, 255, width, cv::LINE_8);
      mask.setTo(255, stroke);
    }
    cv::Mat dark;
    rgb.convertTo(dark, -1, darkness, 0);
    dark.copyTo(rgb, mask);
    return {crackkd::plugins::rgb_to_tensor(rgb), crackkd::plugins::mask_to_tensor(mask),
            "synthetic/" + std::to_string(index)};
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(dataset, synthetic_cracks, SyntheticCracksDataset,
               "Procedural brick-wall images with one dark crack each and its exact mask (no data needed)")
