#pragma once
// cracks.csv: one row per crack object (measurement/crack_objects.hpp) of every photo, as
// `crackkd infer` and `crackkd measure` write it. Pixels, and millimetres when the photo's
// scale is known; positions in pixels from the photo's top-left corner, x to the right,
// y down (a pixel's centre at +0.5).
//
//   image, crack, region, length_px, max_width_px, mean_width_px, median_width_px,
//   max_width_x, max_width_y, orientation_deg, box_x, box_y, box_width, box_height
//   [, length_mm, max_width_mm, mean_width_mm, median_width_mm, mm_per_px]

#include "measurement/crack_objects.hpp"

#include <string>
#include <vector>

namespace crackkd::measurement {

std::vector<std::string> crack_table_header(bool millimetres);

/// The rows of one photo's cracks; `mm_per_px` > 0 fills the millimetre columns.
std::vector<std::vector<std::string>> crack_table_rows(const std::string& image, const std::vector<CrackObject>& cracks,
                                                       double mm_per_px);

}  // namespace crackkd::measurement
