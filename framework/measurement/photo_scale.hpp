#pragma once
// A photo's scale: how many millimetres one pixel spans on the surface photographed, and
// where that figure came from, so a report that gives millimetres also says on what
// grounds. Unknown (0) when no scale was given or the given source had none for this photo
// (a marker not found, a photo missing from the scale file): `source` then says which.

#include <string>

namespace crackkd::measurement {

struct PhotoScale {
  double mm_per_px = 0;  ///< 0: unknown
  std::string source;    ///< "--mm-per-px", "scales.csv", "marker 4X4_50 id 7, side 50 mm", or why it is unknown
  double spread = 0;     ///< a marker's: (longest side - shortest) / mean side; 0 for other sources

  bool known() const { return mm_per_px > 0; }
};

}  // namespace crackkd::measurement
