#include "inference/tiled_prediction.hpp"

#include <crackkd/error.hpp>

#include <ATen/ATen.h>

#include <algorithm>
#include <vector>

namespace crackkd::inference {

namespace {

std::int64_t round_up(std::int64_t v, std::int64_t m) { return (v + m - 1) / m * m; }

/// Tile starts along one axis of padded length `length` (>= tile).
std::vector<std::int64_t> tile_starts(std::int64_t length, const TileOptions& o) {
  std::vector<std::int64_t> starts;
  for (std::int64_t p = 0;; p += o.tile - o.overlap) {
    if (p + o.tile >= length) {
      starts.push_back(length - o.tile);  // the last tile ends on the border
      break;
    }
    starts.push_back(p);
  }
  return starts;
}

/// Blending weights (length `tile`) for a tile starting at `start` on an axis of `length`.
at::Tensor axis_weights(std::int64_t start, std::int64_t length, const TileOptions& o, const at::TensorOptions& to) {
  auto w = at::ones({o.tile}, to);
  if (o.overlap == 0) return w;
  const double zero = static_cast<double>(o.overlap) / 4.0, ramp = static_cast<double>(o.overlap) / 2.0;
  const auto centre = at::arange(o.tile, to).add(0.5);  // pixel centres
  if (start > 0) w = w.minimum(centre.sub(zero).div(ramp).clamp(0, 1));
  if (start + o.tile < length) w = w.minimum(centre.neg().add(static_cast<double>(o.tile)).sub(zero).div(ramp).clamp(0, 1));
  return w;
}

}  // namespace

void check_tile_options(const TileOptions& o) {
  const auto s = std::to_string(o.stride);
  if (o.stride < 1) throw Error("tile: the model's stride " + s + " must be positive");
  const std::int64_t width = tile_width_of(o);
  for (const std::int64_t side : {o.tile, width})
    if (side < o.stride || side % o.stride)
      throw Error("--tile " + std::to_string(side) + ": must be a positive multiple of the model's stride " + s);
  if (o.overlap < 0 || o.overlap % o.stride || o.overlap >= std::min(o.tile, width))
    throw Error("--overlap " + std::to_string(o.overlap) + ": must be a multiple of the model's stride " + s +
                ", at least 0 and below the tile side " + std::to_string(std::min(o.tile, width)));
  if (o.batch < 1) throw Error("--batch " + std::to_string(o.batch) + ": must be at least 1");
}

at::Tensor predict_probabilities(const LogitsFunction& logits, const at::Tensor& image, const TileOptions& o) {
  check_tile_options(o);
  const std::int64_t h = image.size(2), w = image.size(3), tile_w = tile_width_of(o);
  std::int64_t ph = round_up(h, o.stride), pw = round_up(w, o.stride);
  if (o.full_tiles) ph = std::max(ph, o.tile), pw = std::max(pw, tile_w);
  auto padded = (ph == h && pw == w) ? image : at::replication_pad2d(image, {0, pw - w, 0, ph - h});
  if (!o.full_tiles && ph <= o.tile && pw <= tile_w)
    return at::sigmoid(logits(padded)).slice(2, 0, h).slice(3, 0, w);

  // Without full tiles, a side shorter than a tile is one tile of that side.
  TileOptions rows = o, cols = o;
  rows.tile = std::min(o.tile, ph), cols.tile = std::min(tile_w, pw);
  const auto ys = tile_starts(ph, rows), xs = tile_starts(pw, cols);
  const auto to = image.options().dtype(at::kFloat);
  auto sum = at::zeros({1, 1, ph, pw}, to);
  auto weight_sum = at::zeros({1, 1, ph, pw}, to);
  std::vector<std::pair<std::int64_t, std::int64_t>> tiles;
  for (auto y : ys)
    for (auto x : xs) tiles.emplace_back(y, x);
  for (std::size_t first = 0; first < tiles.size(); first += static_cast<std::size_t>(o.batch)) {
    const std::size_t last = std::min(tiles.size(), first + static_cast<std::size_t>(o.batch));
    std::vector<at::Tensor> crops;
    for (std::size_t t = first; t < last; ++t)
      crops.push_back(padded.slice(2, tiles[t].first, tiles[t].first + rows.tile)
                          .slice(3, tiles[t].second, tiles[t].second + cols.tile));
    const auto probabilities = at::sigmoid(logits(at::cat(crops, 0))).to(at::kFloat);
    for (std::size_t t = first; t < last; ++t) {
      const auto [y, x] = tiles[t];
      const auto wy = axis_weights(y, ph, rows, to), wx = axis_weights(x, pw, cols, to);
      const auto weights = wy.unsqueeze(1).mul(wx.unsqueeze(0)).unsqueeze(0).unsqueeze(0);
      const auto p = probabilities.slice(0, static_cast<std::int64_t>(t - first), static_cast<std::int64_t>(t - first) + 1);
      sum.slice(2, y, y + rows.tile).slice(3, x, x + cols.tile).add_(p.mul(weights));
      weight_sum.slice(2, y, y + rows.tile).slice(3, x, x + cols.tile).add_(weights);
    }
  }
  return sum.div(weight_sum).slice(2, 0, h).slice(3, 0, w);
}

}  // namespace crackkd::inference
