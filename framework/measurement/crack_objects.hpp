#pragma once
// Each crack as an object: a branch of the mask's skeleton (measurement/skeleton_branches.hpp)
// with its length, its width profile and where it is widest.
//
//   length   the branch's pixel chain simplified to a polyline within a pixel of it
//            (summing 1 and √2 per step would overstate a crack at 22.5° by 8 %), carried
//            on at each free end to where the crack ends (thinning stops short of an end
//            and bends towards a corner of a flat one: see centre_line)
//   width    measured every pixel along the branch, across it: perpendicular to its local
//            direction (the chord over a few pixels either side), from the centre line out
//            to where the crack ends on each side, found to a fraction of a pixel on the
//            probability map (where it falls below the threshold) when there is one, else
//            on the mask read as 0/1 and interpolated bilinearly (where it falls below one
//            half: a band w pixels wide measures w). The widths are then averaged over
//            11 samples, or half the crack's width if longer, which evens out the
//            staircase of an oblique edge; the widest point is placed on a 5-sample
//            average (a long one moves a lopsided peak). Near a junction the line across
//            runs into the other branches: those points are left out while 3 others remain.
//   orientation  of the branch's principal axis, in degrees from the image's x axis
//            towards its y axis (clockwise as displayed, y pointing down), in [0, 180)
//
// Coordinates are in pixels of the photo, x to the right and y down, with pixel (0, 0)'s
// centre at (0.5, 0.5): the origin is the photo's top-left corner.

#include <opencv2/core.hpp>

#include <cstdint>
#include <vector>

namespace crackkd::measurement {

struct CrackObject {
  int id = 0;                        ///< 1.. in the order found (top to bottom)
  int region = 0;                    ///< the 8-connected region of the mask it lies in, 1..
  double length_px = 0;
  double max_width_px = 0, mean_width_px = 0, median_width_px = 0;
  cv::Point2d max_width_at;          ///< where the widest point lies
  double orientation_deg = 0;
  cv::Rect2d box;                    ///< the crack's extent (centre line grown by its widths), within the photo
  std::vector<cv::Point2d> line;     ///< the centre line as a polyline (within a pixel)
  std::vector<cv::Point2d> samples;  ///< where the widths were measured, along the line
  std::vector<double> widths;        ///< the width at each sample, averaged
};

struct CrackObjectOptions {
  double spur_factor = 2.0;    ///< skeleton_branches.hpp
  double min_length_px = 0;    ///< shorter cracks are left out (specks)
  double threshold = 0.5;      ///< where the probability map ends a crack
};

/// A photo's cracks together, as summary.csv reports them.
struct CrackTotals {
  std::int64_t area_px = 0;   ///< crack pixels of the mask
  std::int64_t cracks = 0;    ///< crack objects (branches), specks under the minimum left out
  double length_px = 0;       ///< their lengths summed
  double mean_width_px = 0;   ///< area / length: the width averaged along every crack; 0 without cracks
  double max_width_px = 0;    ///< the largest of the cracks' maximum widths
};

/// The cracks of a binary mask (CV_8UC1, crack > 0); `probability` (CV_32F, the same size,
/// in [0, 1]) when given makes the widths sub-pixel from the network's own map.
std::vector<CrackObject> crack_objects(const cv::Mat& mask, const cv::Mat& probability = {},
                                       const CrackObjectOptions& options = {});

CrackTotals totals_of(const cv::Mat& mask, const std::vector<CrackObject>& cracks);

}  // namespace crackkd::measurement
