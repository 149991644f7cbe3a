#include "measurement/crack_table.hpp"

#include "measurement/width_classes.hpp"

#include <cstdio>

namespace crackkd::measurement {

namespace {

/// Two decimals: a hundredth of a pixel is finer than any mask can say.
std::string fixed(double v, int decimals = 2) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

}  // namespace

std::vector<std::string> crack_table_header(bool millimetres) {
  std::vector<std::string> h{"image",       "crack",       "region",          "length_px",  "max_width_px",
                             "mean_width_px", "median_width_px", "max_width_x", "max_width_y", "orientation_deg",
                             "box_x",       "box_y",       "box_width",       "box_height"};
  if (millimetres) h.insert(h.end(), {"length_mm", "max_width_mm", "mean_width_mm", "median_width_mm", "width_class_mm",
                                   "mm_per_px"});
  return h;
}

std::vector<std::vector<std::string>> crack_table_rows(const std::string& image, const std::vector<CrackObject>& cracks,
                                                       bool millimetres, const PhotoScale& scale,
                                                       const std::vector<double>& width_classes_mm) {
  const double s = scale.mm_per_px;
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : cracks) {
    std::vector<std::string> r{image,
                               std::to_string(c.id),
                               std::to_string(c.region),
                               fixed(c.length_px),
                               fixed(c.max_width_px),
                               fixed(c.mean_width_px),
                               fixed(c.median_width_px),
                               fixed(c.max_width_at.x),
                               fixed(c.max_width_at.y),
                               fixed(c.orientation_deg, 1),
                               fixed(c.box.x),
                               fixed(c.box.y),
                               fixed(c.box.width),
                               fixed(c.box.height)};
    if (millimetres && scale.known())
      r.insert(r.end(), {fixed(c.length_px * s, 3), fixed(c.max_width_px * s, 3), fixed(c.mean_width_px * s, 3),
                         fixed(c.median_width_px * s, 3), width_class(c.max_width_px * s, width_classes_mm),
                         fixed(s, 6)});
    else if (millimetres)
      r.insert(r.end(), 6, "");
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace crackkd::measurement
