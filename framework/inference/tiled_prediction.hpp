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

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>

namespace crackkd::inference {

struct TileOptions {
  std::int64_t tile = 448;     ///< tile side, a multiple of the stride
  std::int64_t overlap = 64;   ///< pixels shared by neighbouring tiles, a multiple of the stride, < tile
  std::int64_t stride = 32;    ///< the model's input stride
  std::int64_t batch = 4;      ///< tiles per forward pass
};

/// Logits (Nx1xhxw) of images (Nx3xhxw) whose sides are multiples of the stride.
using LogitsFunction = std::function<at::Tensor(const at::Tensor& images)>;

/// Throws crackkd::Error naming the option when the tile, overlap or stride do not fit
/// together.
void check_tile_options(const TileOptions& options);

/// Probabilities (1x1xHxW, on the image's device) for `image` (1x3xHxW). Sides that are
/// not multiples of the stride are padded by replicating the border, then cropped back.
at::Tensor predict_probabilities(const LogitsFunction& logits, const at::Tensor& image, const TileOptions& options);

}  // namespace crackkd::inference
