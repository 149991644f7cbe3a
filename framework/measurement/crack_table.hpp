#pragma once
// cracks.csv: one row per crack object (measurement/crack_objects.hpp) of every photo, as
// `crackkd infer` and `crackkd measure` write it. Pixels, and millimetres when a scale was
// given (the cells empty for a photo whose scale stayed unknown), with the class of the
// crack's maximum width (measurement/width_classes.hpp); positions in pixels from the photo's top-left corner, x to the right,
// y down (a pixel's centre at +0.5).
//
//   image, crack, region, length_px, max_width_px, mean_width_px, median_width_px,
//   max_width_x, max_width_y, orientation_deg, box_x, box_y, box_width, box_height
//   [, length_mm, max_width_mm, mean_width_mm, median_width_mm, width_class_mm, mm_per_px]

#include "measurement/crack_objects.hpp"
#include "measurement/photo_scale.hpp"

#include <string>
#include <vector>

namespace crackkd::measurement {

std::vector<std::string> crack_table_header(bool millimetres);

/// The rows of one photo's cracks; with `millimetres`, the millimetre columns are filled
/// when the scale is known and left empty when not.
std::vector<std::vector<std::string>> crack_table_rows(const std::string& image, const std::vector<CrackObject>& cracks,
                                                       bool millimetres, const PhotoScale& scale,
                                                       const std::vector<double>& width_classes_mm);

}  // namespace crackkd::measurement
