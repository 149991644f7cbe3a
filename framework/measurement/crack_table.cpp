#include "measurement/crack_table.hpp"

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
  if (millimetres) h.insert(h.end(), {"length_mm", "max_width_mm", "mean_width_mm", "median_width_mm", "mm_per_px"});
  return h;
}

std::vector<std::vector<std::string>> crack_table_rows(const std::string& image, const std::vector<CrackObject>& cracks,
                                                       double mm_per_px) {
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
    if (mm_per_px > 0)
      r.insert(r.end(), {fixed(c.length_px * mm_per_px, 3), fixed(c.max_width_px * mm_per_px, 3),
                         fixed(c.mean_width_px * mm_per_px, 3), fixed(c.median_width_px * mm_per_px, 3),
                         fixed(mm_per_px, 6)});
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace crackkd::measurement
