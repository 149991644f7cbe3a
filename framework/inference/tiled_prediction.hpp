#pragma once
// Crack probabilities for photos of any size: one forward pass when the photo fits a
// tile, otherwise overlapping tiles blended into one map.
//
// Tiles start on multiples of the model's stride (so a tile sees the pixel grid the
// untiled model would) and are blended with weights that are zero for the outer quarter
// of the overlap at every edge shared with another tile and ramp linearly to one across
// its middle half. Near a tile's inner edge, padding changes what a network sees; those
// pixels are taken from the neighbouring tile instead. For a network whose receptive
// field reaches at most overlap/4 pixels, the tiled map equals the untiled one.
//
// The deployment contract (`full_tiles`, as `crackkd infer` runs, and as every export
// records and the deploy examples implement): every forward pass sees a whole tile. The
// photo is padded by repeating its border, at the bottom and right, to multiples of the
// stride and to at least one tile each way; tiles start at 0, step tile - overlap, and the
// last one ends on the padded border; the blend is the one above; the map is cropped
// back. A network that pools globally (PoolingCrack's feature selection) answers
// differently for a 448x320 photo run whole and padded to 448x448: the contract fixes
// which, so a checkpoint and its fixed-size export give the same map. Without
// `full_tiles` (the evaluate stage), a photo that fits a tile runs whole, and a side
// shorter than a tile is one tile of that side.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>

namespace crackkd::inference {

struct TileOptions {
  std::int64_t tile = 448;       ///< tile height (and width unless tile_width), a multiple of the stride
  std::int64_t overlap = 64;     ///< pixels shared by neighbouring tiles, a multiple of the stride, < each side
  std::int64_t stride = 32;      ///< the model's input stride
  std::int64_t batch = 4;        ///< tiles per forward pass
  std::int64_t tile_width = 0;   ///< > 0: tiles of tile x tile_width (a fixed-shape export's H x W)
  bool full_tiles = false;       ///< the deployment contract: every pass sees a whole tile (see above)
};

/// The contract's default overlap for tiles whose shorter side is `side`: 64 pixels, or
/// the largest multiple of the stride up to a quarter of the side when that is less.
inline std::int64_t default_overlap(std::int64_t side, std::int64_t stride) {
  const std::int64_t quarter = stride > 0 ? side / 4 / stride * stride : 0;
  return quarter < 64 ? quarter : 64;
}

/// The tile's width: tile_width when set, else tile.
inline std::int64_t tile_width_of(const TileOptions& o) { return o.tile_width > 0 ? o.tile_width : o.tile; }

/// Logits (Nx1xhxw) of images (Nx3xhxw) whose sides are multiples of the stride.
using LogitsFunction = std::function<at::Tensor(const at::Tensor& images)>;

/// Throws crackkd::Error naming the option when the tile, overlap or stride do not fit
/// together.
void check_tile_options(const TileOptions& options);

/// Probabilities (1x1xHxW, on the image's device) for `image` (1x3xHxW). Sides that are
/// not multiples of the stride are padded by replicating the border, then cropped back.
at::Tensor predict_probabilities(const LogitsFunction& logits, const at::Tensor& image, const TileOptions& options);

}  // namespace crackkd::inference
