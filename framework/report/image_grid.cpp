#include "report/image_grid.hpp"

#include "io/durable_file.hpp"

#include <crackkd/error.hpp>

#include <ATen/ATen.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace crackkd::report {

cv::Mat to_bgr(const at::Tensor& image) {
  auto hwc = image.detach().to(at::kCPU).to(at::kFloat).clamp(0, 1).mul(255).round().to(at::kByte);
  if (hwc.size(0) == 1) hwc = hwc.expand({3, hwc.size(1), hwc.size(2)});
  hwc = hwc.flip({0}).permute({1, 2, 0}).contiguous();  // RGB -> BGR, HWC
  return cv::Mat(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_8UC3, hwc.data_ptr()).clone();
}

void label_tile(cv::Mat& tile, const std::string& text) {
  cv::rectangle(tile, {0, 0}, {tile.cols - 1, 16}, cv::Scalar(255, 255, 255), cv::FILLED);
  cv::putText(tile, text, {3, 12}, cv::FONT_HERSHEY_SIMPLEX, 0.4, cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
}

cv::Mat prediction_tile(const at::Tensor& prediction, const at::Tensor& truth) {
  const auto p = prediction.detach().to(at::kCPU).gt(0.5).squeeze(0);
  const auto t = truth.detach().to(at::kCPU).gt(0.5).squeeze(0);
  const auto tp = p.logical_and(t), fp = p.logical_and(t.logical_not()), fn = t.logical_and(p.logical_not());
  // BGR channels: white = all three, red = R only, blue = B only.
  const auto b = tp.logical_or(fn), g = tp, r = tp.logical_or(fp);
  auto bgr = at::stack({b, g, r}, 2).to(at::kByte).mul(255).contiguous();
  return cv::Mat(static_cast<int>(bgr.size(0)), static_cast<int>(bgr.size(1)), CV_8UC3, bgr.data_ptr()).clone();
}

cv::Mat compose_grid(const std::vector<std::vector<cv::Mat>>& rows) {
  if (rows.empty() || rows[0].empty()) throw Error("an image grid needs at least one tile");
  const int tile_w = rows[0][0].cols, tile_h = rows[0][0].rows, gap = 4;
  std::size_t columns = 0;
  for (const auto& r : rows) columns = std::max(columns, r.size());
  cv::Mat grid(static_cast<int>(rows.size()) * (tile_h + gap) + gap, static_cast<int>(columns) * (tile_w + gap) + gap,
               CV_8UC3, cv::Scalar(40, 40, 40));
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      cv::Mat tile = rows[r][c];
      if (tile.cols != tile_w || tile.rows != tile_h) cv::resize(tile, tile, {tile_w, tile_h}, 0, 0, cv::INTER_NEAREST);
      tile.copyTo(grid(cv::Rect(gap + static_cast<int>(c) * (tile_w + gap), gap + static_cast<int>(r) * (tile_h + gap),
                                tile_w, tile_h)));
    }
  return grid;
}

void write_png(const std::filesystem::path& file, const cv::Mat& image) {
  std::vector<unsigned char> bytes;
  bool encoded = false;
  try {
    encoded = cv::imencode(".png", image, bytes);
  } catch (const cv::Exception& e) {
    throw Error("cannot write " + file.string() + ": " + e.what());
  }
  if (!encoded) throw Error("cannot write " + file.string() + ": PNG encoding failed");
  io::write_atomically(file, std::string(bytes.begin(), bytes.end()));  // checked, whole or not at all
}

}  // namespace crackkd::report
