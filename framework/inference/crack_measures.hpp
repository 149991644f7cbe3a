#pragma once
// What an inspector reads off a crack mask: area, total length and width.
//
//   length  the mask's skeleton (Zhang-Suen thinning) measured along its 8-connected
//           pixel chain (1 per straight step, √2 per diagonal one), plus, at each free
//           end, the distance to the background there: thinning eats about half the
//           crack's width from each end
//   mean width   area / length: the width averaged along the cracks
//   max width    2·d − 1 at the skeleton pixel farthest from the background, d being the
//                Euclidean distance to the nearest background pixel (a band w pixels wide
//                has d = (w + 1)/2 on its centre line when w is odd: exact for odd
//                widths along an axis, a pixel short for even ones; across an oblique
//                band, whose edge pixels are cut by the pixel grid, 0.3-0.8 px short)
//
// Pixels convert to millimetres when the photo's scale is known.

#include <opencv2/core.hpp>

#include <cstdint>

namespace crackkd::inference {

struct CrackMeasures {
  std::int64_t area_px = 0;   ///< crack pixels
  double length_px = 0;       ///< total length of all cracks
  double mean_width_px = 0;   ///< 0 without cracks
  double max_width_px = 0;
  std::int64_t components = 0;  ///< separate cracks (8-connected regions)
};

/// Measures a binary mask (CV_8UC1, crack > 0).
CrackMeasures measure_cracks(const cv::Mat& mask);

}  // namespace crackkd::inference
