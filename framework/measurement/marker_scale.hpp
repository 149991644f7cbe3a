#pragma once
// A photo's scale from a printed ArUco marker of known side lying on the surface (OpenCV
// contrib's aruco detector, corners refined to a fraction of a pixel): millimetres per
// pixel = the printed side / the mean of the sides found, over every marker of the
// dictionary in the photo.
//
// The scale is true only where the marker lies flat and faces the camera. A marker seen
// at an angle is foreshortened: its sides (and its diagonals, for a marker turned on the
// photo) come out unequal. When the sides, or the diagonals, differ by more than
// `max_spread` of their mean the marker is reported as far from fronto-parallel and its
// scale is not used: the scale stays unknown and `source` says why, with the figures.
// A tilt of θ shortens one direction by cos θ: a spread of 0.03 is about 14 degrees.
// Every marker found, used or not, is named in `marker_areas` (its square and white
// margin), so the marker is not measured as crack (erase_markers).

#include "measurement/photo_scale.hpp"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace crackkd::measurement {

struct MarkerOptions {
  double side_mm = 0;                ///< the printed marker's side (its black border's outer edge)
  std::string dictionary = "4X4_50"; ///< marker_dictionaries() names those known
  double max_spread = 0.03;          ///< of sides and of diagonals, relative to their mean
};

/// The names MarkerOptions::dictionary takes ("4X4_50", …, "ARUCO_ORIGINAL", "APRILTAG_36h11").
std::vector<std::string> marker_dictionaries();

/// Throws crackkd::Error naming the option and value when a side or spread is not
/// positive or the dictionary is unknown (listing those known).
void check_marker_options(const MarkerOptions& options);

/// The marker's corners found in a photo (BGR or grey): four per marker, clockwise from
/// its top-left as printed.
struct FoundMarker {
  int id = 0;
  std::vector<cv::Point2f> corners;
};
std::vector<FoundMarker> find_markers(const cv::Mat& photo, const std::string& dictionary);

/// The photo's scale from its markers; unknown, with the reason in `source`, when none is
/// found or they are far from fronto-parallel.
PhotoScale marker_scale(const cv::Mat& photo, const MarkerOptions& options);

/// The same from markers already found (what marker_scale measures them with).
PhotoScale scale_of_markers(const std::vector<FoundMarker>& markers, const MarkerOptions& options);

}  // namespace crackkd::measurement
