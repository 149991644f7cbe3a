#pragma once
// A photo's scale: how many millimetres one pixel spans on the surface photographed, and
// where that figure came from, so a report that gives millimetres also says on what
// grounds. Unknown (0) when no scale was given or the given source had none for this photo
// (a marker not found, a photo missing from the scale file): `source` then says which.

#include <opencv2/core/types.hpp>

#include <string>
#include <vector>

namespace crackkd::measurement {

struct PhotoScale {
  double mm_per_px = 0;  ///< 0: unknown
  std::string source;    ///< "--mm-per-px", "scales.csv", "marker 4X4_50 id 7, side 50 mm", or why it is unknown
  double spread = 0;     ///< a marker's: (longest side - shortest) / mean side; 0 for other sources
  /// Where markers lie in the photo (each with its white margin), used or not: their black
  /// squares are no crack, whatever a model or a mask says (erase_markers).
  std::vector<std::vector<cv::Point>> marker_areas;

  bool known() const { return mm_per_px > 0; }
};

/// Clears the markers' areas in a crack mask (CV_8UC1).
void erase_markers(cv::Mat& mask, const PhotoScale& scale);

}  // namespace crackkd::measurement
