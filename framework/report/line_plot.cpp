#include "report/line_plot.hpp"

#include <crackkd/error.hpp>

#include <plplot/plplot.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <mutex>

namespace crackkd::report {

namespace {

// PLplot keeps global state; one plot at a time.
std::mutex plplot_mutex;

// Colour map 0: 0 = white background, 1 = black axes and text, then ten distinguishable
// line colours (the Tableau palette that matplotlib users know), then light grey for the grid.
constexpr int kLineColours = 10, kGrid = 2 + kLineColours;
const PLINT red[] = {255, 0, 31, 255, 44, 214, 148, 140, 227, 127, 188, 23, 215};
const PLINT green[] = {255, 0, 119, 127, 160, 39, 103, 86, 119, 127, 189, 190, 215};
const PLINT blue[] = {255, 0, 180, 14, 44, 40, 189, 75, 194, 127, 34, 207, 215};

bool has_cairo_png() {
  std::vector<const char*> menus(128), names(128);  // plgDevs fills arrays the caller owns
  const char** menu_data = menus.data();
  const char** name_data = names.data();
  int count = static_cast<int>(names.size());
  plgDevs(&menu_data, &name_data, &count);
  for (int i = 0; i < count; ++i)
    if (std::strcmp(names[static_cast<std::size_t>(i)], "pngcairo") == 0) return true;
  return false;
}

void range_of(const std::vector<PlotSeries>& series, bool y, double& lo, double& hi) {
  lo = INFINITY, hi = -INFINITY;
  for (const auto& s : series)
    for (double v : y ? s.y : s.x)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
}

void check_series(const LinePlot& plot) {
  for (const auto& s : plot.series)
    if (s.x.empty() || s.x.size() != s.y.size())
      throw Error("plot '" + plot.title + "': series '" + s.name + "' has " + std::to_string(s.x.size()) + " x and " +
                  std::to_string(s.y.size()) + " y values");
  if (plot.series.empty()) throw Error("plot '" + plot.title + "' has no series");
}

/// A new PNG page with the axes, grid and labels of `plot` over [x0, x1] x [y0, y1].
void begin_page(const std::filesystem::path& png, const LinePlot& plot, double x0, double x1, double y0, double y1) {
  PLINT stream = 0;
  plmkstrm(&stream);
  plsdev("pngcairo");
  plsfnam(png.c_str());
  plspage(0, 0, 900, 540, 0, 0);
  plscmap0(red, green, blue, kGrid + 1);
  plinit();
  pladv(0);
  plvpor(0.09, 0.74, 0.11, 0.91);
  plwind(x0, x1, y0, y1);
  plcol0(kGrid);
  plbox("g", 0, 0, "g", 0, 0);
  plcol0(1);
  plschr(0, 0.9);
  plbox("bcnst", 0, 0, "bcnstv", 0, 0);
  pllab(plot.x_label.c_str(), plot.y_label.c_str(), plot.title.c_str());
}

/// Each series as a line (with circles when it has few points), and the legend beside.
void draw_series(const LinePlot& plot) {
  const std::size_t n = plot.series.size();
  std::vector<PLINT> options(n, PL_LEGEND_LINE), colours(n), styles(n, 1);
  std::vector<PLFLT> widths(n, 2.0);
  std::vector<const char*> names(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& s = plot.series[i];
    colours[i] = 2 + static_cast<PLINT>(i % kLineColours);
    names[i] = s.name.c_str();
    plcol0(colours[i]);
    plwidth(2.0);
    plline(static_cast<PLINT>(s.x.size()), s.x.data(), s.y.data());
    if (s.x.size() <= 40) plpoin(static_cast<PLINT>(s.x.size()), s.x.data(), s.y.data(), 4);  // 4 = circle
  }
  plwidth(1.0);
  PLFLT legend_width = 0, legend_height = 0;
  std::vector<PLINT> text_colours(n, 1);
  pllegend(&legend_width, &legend_height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
           PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, 0.02, 0.0, 0.06, 0, 1, 1, 0, 0,
           static_cast<PLINT>(n), options.data(), 1.0, 0.9, 2.0, 0.0, text_colours.data(), names.data(), nullptr,
           nullptr, nullptr, nullptr, colours.data(), styles.data(), widths.data(), nullptr, nullptr, nullptr, nullptr);
}

}  // namespace

void write_line_plot(const std::filesystem::path& png, const LinePlot& plot) {
  check_series(plot);
  {  // PLplot exits the process on a file it cannot open: check first.
    std::ofstream probe(png);
    if (!probe) throw Error("cannot write " + png.string());
  }
  std::lock_guard<std::mutex> lock(plplot_mutex);
  if (!has_cairo_png()) throw Error("PLplot has no pngcairo device: install Debian's plplot-driver-cairo");

  double x0, x1, y0 = plot.y_min, y1 = plot.y_max;
  range_of(plot.series, false, x0, x1);
  const double x_pad = 0.02 * (x1 - x0);  // markers at the ends stay whole
  x0 -= x_pad, x1 += x_pad;
  if (y0 == y1) {
    range_of(plot.series, true, y0, y1);
    const double pad = 0.05 * (y1 - y0);
    y0 -= pad, y1 += pad;
  }
  begin_page(png, plot, x0, x1, y0, y1);
  draw_series(plot);
  plend1();
}

}  // namespace crackkd::report
