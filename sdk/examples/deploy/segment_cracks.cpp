// Runs a model exported by `crackkd export --format torchscript` on a photo of any size,
// with LibTorch and OpenCV (for the image files) and no CrackKD:
//
//   segment_cracks MODEL.ts PHOTO.jpg MASK.png
//
// The photo is split into tiles of the size the model was exported for (its attribute
// crackkd_input_shape), padded at the edges by repeating the border pixels as CrackKD does; each tile's logits go through the
// sigmoid and the exported threshold (crackkd_threshold); MASK.png is 255 where crack.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/script.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: segment_cracks MODEL.ts PHOTO MASK.png\n";
    return 2;
  }
  torch::jit::Module model = torch::jit::load(argv[1]);
  model.eval();
  const auto shape = model.attr("crackkd_input_shape").toIntList().vec();  // N, 3, H, W (-1: any)
  const double threshold = model.attr("crackkd_threshold").toDouble();
  const std::int64_t multiple = model.attr("crackkd_size_multiple").toInt();
  cv::Mat bgr = cv::imread(argv[2], cv::IMREAD_COLOR), rgb;
  if (bgr.empty()) {
    std::cerr << "cannot read " << argv[2] << "\n";
    return 1;
  }
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  // Preprocessing contract: float RGB in [0, 1], NCHW, no mean or std.
  auto photo = torch::from_blob(rgb.data, {rgb.rows, rgb.cols, 3}, torch::kByte).permute({2, 0, 1}).to(torch::kFloat) / 255;
  const std::int64_t rows = rgb.rows, cols = rgb.cols;
  const std::int64_t tile_h = shape[2] > 0 ? shape[2] : (rows + multiple - 1) / multiple * multiple;
  const std::int64_t tile_w = shape[3] > 0 ? shape[3] : (cols + multiple - 1) / multiple * multiple;
  const std::int64_t padded_h = (rows + tile_h - 1) / tile_h * tile_h, padded_w = (cols + tile_w - 1) / tile_w * tile_w;
  const auto padded = at::replication_pad2d(photo.unsqueeze(0), {0, padded_w - cols, 0, padded_h - rows})[0];
  auto crack = torch::zeros({padded_h, padded_w});
  torch::NoGradGuard no_grad;
  const std::int64_t batch = shape[0] > 0 ? shape[0] : 1;
  for (std::int64_t y = 0; y < padded_h; y += tile_h) {
    for (std::int64_t x = 0; x < padded_w; x += tile_w) {
      auto tiles = torch::zeros({batch, 3, tile_h, tile_w});  // an exported batch > 1: the rest stays empty
      tiles[0].copy_(padded.slice(1, y, y + tile_h).slice(2, x, x + tile_w));
      const auto logits = model.forward({tiles}).toTensor();
      crack.slice(0, y, y + tile_h).slice(1, x, x + tile_w).copy_(logits[0][0].sigmoid());
    }
  }
  const auto mask = crack.slice(0, 0, rows).slice(1, 0, cols).gt(threshold).to(torch::kByte).mul(255).contiguous();
  cv::imwrite(argv[3], cv::Mat(static_cast<int>(rows), static_cast<int>(cols), CV_8UC1, mask.data_ptr()));
  std::cout << argv[3] << ": " << mask.gt(0).sum().item<std::int64_t>() << " crack pixels of " << rows * cols << "\n";
  return 0;
}
