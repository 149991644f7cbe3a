#pragma once
// Line plots as PNG through PLplot (its cairo driver): the report's robustness curves and
// training curves.

#include <filesystem>
#include <string>
#include <vector>

namespace crackkd::report {

struct PlotSeries {
  std::string name;
  std::vector<double> x, y;
};

struct LinePlot {
  std::string title, x_label, y_label;
  std::vector<PlotSeries> series;
  double y_min = 0, y_max = 0;  ///< y axis range; equal values = fitted to the data
};

/// Draws `plot` (one coloured line with markers per series, a legend on the right) into
/// `png` (900x540). Throws crackkd::Error when a series is empty or its x and y differ in
/// length, when the cairo driver is missing, or when the file cannot be written.
void write_line_plot(const std::filesystem::path& png, const LinePlot& plot);

}  // namespace crackkd::report
