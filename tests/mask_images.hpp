#pragma once
// Comparing mask PNGs written by different runtimes: the share of pixels that differ.

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>

namespace crackkd::test {

/// The share of pixels where two masks differ; 1 when one is missing or of another size.
inline double differing_share(const std::filesystem::path& a, const std::filesystem::path& b) {
  const cv::Mat x = cv::imread(a.string(), cv::IMREAD_GRAYSCALE), y = cv::imread(b.string(), cv::IMREAD_GRAYSCALE);
  if (x.empty() || y.empty() || x.size() != y.size()) return 1;
  cv::Mat differ;
  cv::compare(x, y, differ, cv::CMP_NE);
  return static_cast<double>(cv::countNonZero(differ)) / static_cast<double>(x.total());
}

}  // namespace crackkd::test
