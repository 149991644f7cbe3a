// Runs a model exported by `crackkd export --format torchscript` on a photo of any size,
// with LibTorch and OpenCV (for the image files) and no CrackKD:
//
//   segment_cracks MODEL.ts PHOTO.jpg MASK.png [PROBABILITIES.f32]
//
// It follows the tiling contract every export records (crackkd.json's "tiling"; here the
// attributes crackkd_input_shape and crackkd_tile_overlap), as `crackkd infer` does, so both
// give the same map: the photo padded by repeating its border to multiples of
// crackkd_size_multiple and to at least one tile; tiles of the exported size starting at 0,
// every tile - overlap pixels, the last ending on the padded border; each tile's
// sigmoid(logits) blended with weights that are 0 over the outer quarter of the overlap on
// a side shared with another tile and rise linearly to 1 over its middle half; cropped
// back. MASK.png is 255 where the blended probability is above crackkd_threshold;
// PROBABILITIES.f32, when given, the probabilities as raw float32, row by row.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/script.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <malloc.h>
#include <vector>

namespace {

/// Tile starts along an axis of padded length `length` (>= tile).
std::vector<std::int64_t> tile_starts(std::int64_t length, std::int64_t tile, std::int64_t overlap) {
  std::vector<std::int64_t> starts;
  for (std::int64_t p = 0;; p += tile - overlap) {
    if (p + tile >= length) {
      starts.push_back(length - tile);
      return starts;
    }
    starts.push_back(p);
  }
}

/// Blending weights along an axis for the tile starting at `start`.
torch::Tensor axis_weights(std::int64_t start, std::int64_t tile, std::int64_t length, std::int64_t overlap) {
  auto w = torch::ones({tile});
  if (overlap == 0) return w;
  const double zero = static_cast<double>(overlap) / 4.0, ramp = static_cast<double>(overlap) / 2.0;
  const auto centre = torch::arange(tile, torch::kFloat).add(0.5);
  if (start > 0) w = w.minimum(centre.sub(zero).div(ramp).clamp(0, 1));
  if (start + tile < length) w = w.minimum(centre.neg().add(static_cast<double>(tile)).sub(zero).div(ramp).clamp(0, 1));
  return w;
}

std::int64_t round_up(std::int64_t v, std::int64_t m) { return (v + m - 1) / m * m; }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::cerr << "usage: segment_cracks MODEL.ts PHOTO MASK.png [PROBABILITIES.f32]\n";
    return 2;
  }
  // glibc gives large freed blocks back to the kernel, so every tile would fault in its
  // activations' pages again: keeping blocks up to 256 MB on the heap made a 1440x960
  // photo 2.6x faster here (crackkd does the same, framework/app/memory.hpp).
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  torch::jit::Module model = torch::jit::load(argv[1]);
  model.eval();
  const auto shape = model.attr("crackkd_input_shape").toIntList().vec();  // N, 3, H, W (-1: any)
  const double threshold = model.attr("crackkd_threshold").toDouble();
  const std::int64_t multiple = model.attr("crackkd_size_multiple").toInt();
  const std::int64_t overlap = model.hasattr("crackkd_tile_overlap") ? model.attr("crackkd_tile_overlap").toInt() : 0;
  cv::Mat bgr = cv::imread(argv[2], cv::IMREAD_COLOR), rgb;
  if (bgr.empty()) {
    std::cerr << "cannot read " << argv[2] << "\n";
    return 1;
  }
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  // Preprocessing contract: float RGB in [0, 1], NCHW, no mean or std.
  auto photo = torch::from_blob(rgb.data, {rgb.rows, rgb.cols, 3}, torch::kByte).permute({2, 0, 1}).to(torch::kFloat) / 255;
  const std::int64_t rows = rgb.rows, cols = rgb.cols;
  const std::int64_t tile_h = shape[2] > 0 ? shape[2] : 448, tile_w = shape[3] > 0 ? shape[3] : 448;
  const std::int64_t padded_h = std::max(round_up(rows, multiple), tile_h);
  const std::int64_t padded_w = std::max(round_up(cols, multiple), tile_w);
  const auto padded = at::replication_pad2d(photo.unsqueeze(0), {0, padded_w - cols, 0, padded_h - rows})[0];
  auto sum = torch::zeros({padded_h, padded_w}), weight_sum = torch::zeros({padded_h, padded_w});
  torch::NoGradGuard no_grad;
  const std::int64_t batch = shape[0] > 0 ? shape[0] : 1;
  for (const std::int64_t y : tile_starts(padded_h, tile_h, overlap)) {
    for (const std::int64_t x : tile_starts(padded_w, tile_w, overlap)) {
      auto tiles = torch::zeros({batch, 3, tile_h, tile_w});  // an exported batch > 1: the rest stays empty
      tiles[0].copy_(padded.slice(1, y, y + tile_h).slice(2, x, x + tile_w));
      const auto probability = model.forward({tiles}).toTensor()[0][0].sigmoid();
      const auto weights = axis_weights(y, tile_h, padded_h, overlap).unsqueeze(1) *
                           axis_weights(x, tile_w, padded_w, overlap).unsqueeze(0);
      sum.slice(0, y, y + tile_h).slice(1, x, x + tile_w).add_(probability * weights);
      weight_sum.slice(0, y, y + tile_h).slice(1, x, x + tile_w).add_(weights);
    }
  }
  const auto crack = (sum / weight_sum).slice(0, 0, rows).slice(1, 0, cols).contiguous();
  const auto mask = crack.gt(threshold).to(torch::kByte).mul(255).contiguous();
  cv::imwrite(argv[3], cv::Mat(static_cast<int>(rows), static_cast<int>(cols), CV_8UC1, mask.data_ptr()));
  if (argc == 5) {
    std::ofstream out(argv[4], std::ios::binary);
    out.write(static_cast<const char*>(crack.data_ptr()), static_cast<std::streamsize>(crack.numel() * sizeof(float)));
  }
  std::cout << argv[3] << ": " << mask.gt(0).sum().item<std::int64_t>() << " crack pixels of " << rows * cols << "\n";
  return 0;
}
