#pragma once
// Labelled image grids (the preview, the report's qualitative figures): tensors to 8-bit
// BGR tiles, a caption strip on each tile, tiles laid out in rows on a dark background.

#include <ATen/core/Tensor.h>
#include <opencv2/core.hpp>

#include <filesystem>

#include <string>
#include <vector>

namespace crackkd::report {

/// A CxHxW tensor in [0, 1] (C = 1 or 3, RGB) as an 8-bit BGR image.
cv::Mat to_bgr(const at::Tensor& image);

/// Writes `text` on a white strip across the top of `tile`.
void label_tile(cv::Mat& tile, const std::string& text);

/// The prediction against the truth (both 1xHxW, {0, 1}): true positives white, false
/// positives red, false negatives blue, true negatives black.
cv::Mat prediction_tile(const at::Tensor& prediction, const at::Tensor& truth);

/// Lays out rows of tiles; every tile is resized to the first tile's size.
cv::Mat compose_grid(const std::vector<std::vector<cv::Mat>>& rows);

/// Writes `image` as PNG; throws crackkd::Error naming the file when it cannot.
void write_png(const std::filesystem::path& file, const cv::Mat& image);

}  // namespace crackkd::report
