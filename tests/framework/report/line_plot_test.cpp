#include "report/line_plot.hpp"

#include <crackkd/error.hpp>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

using namespace crackkd::report;

TEST(LinePlot, WritesAPngOfTheRequestedSize) {
  const auto file = std::filesystem::temp_directory_path() / "crackkd_line_plot_test.png";
  std::filesystem::remove(file);
  LinePlot plot{"mDS under salt", "intensity", "mDS", {}, 0, 1};
  plot.series.push_back({"pct", {0, 0.1, 0.2}, {0.7, 0.6, 0.4}});
  plot.series.push_back({"rfkd", {0, 0.1, 0.2}, {0.72, 0.68, 0.6}});
  write_line_plot(file, plot);
  const cv::Mat png = cv::imread(file.string());
  ASSERT_FALSE(png.empty());
  EXPECT_EQ(png.cols, 900);
  EXPECT_EQ(png.rows, 540);
  // Not blank: the lines are drawn in colour.
  cv::Mat channels[3];
  cv::split(png, channels);
  EXPECT_GT(cv::countNonZero(channels[0] != channels[2]), 100);
}

TEST(LinePlot, MismatchedSeriesAndUnwritableFilesAreErrors) {
  LinePlot plot{"t", "x", "y", {{"a", {0, 1}, {1}}}};
  EXPECT_THROW(write_line_plot(std::filesystem::temp_directory_path() / "crackkd_bad.png", plot), crackkd::Error);
  plot.series[0].y = {1, 2};
  EXPECT_THROW(write_line_plot("/nonexistent/folder/plot.png", plot), crackkd::Error);
}
