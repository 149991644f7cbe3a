#pragma once
// A crack mask's centre lines as branches: the mask is thinned (Guo-Hall) to a one-pixel
// skeleton (Zhang-Suen erases a band at 135° down to a pixel: a 12 px band of 96 px
// thinned to one point), whose pixels link to their neighbours (straight neighbours always, diagonal
// ones only when no shared straight neighbour already joins them: a staircase is one
// path, not a triangle). Pixels with other than two links are ends (one) or junctions
// (three or more); a branch is the chain of pixels from one such node to the next, or a
// closed loop.
//
// Spurs: thinning a crack wider than a few pixels leaves short side branches where its
// outline has a corner (a flat end thins to a Y or an L). A branch from a free end to a junction
// is a spur when it is shorter than `spur_factor` times the crack's half width at that
// junction (its distance to the background there): it lies within the crack's own width.
// Spurs are removed, a junction left with two branches joins them into one, and this
// repeats until nothing changes. A crack that is nothing but a short stroke keeps its
// branch: pruning removes side branches only.

#include <opencv2/core.hpp>

#include <vector>

namespace crackkd::measurement {

struct SkeletonBranch {
  std::vector<cv::Point> path;  ///< pixel centres in order, in the mask's coordinates
  bool free_start = false;      ///< path.front() is a free end (no other branch there)
  bool free_end = false;        ///< path.back() is a free end
  bool closed = false;          ///< a loop: path.front() and path.back() are neighbours
};

struct SkeletonBranches {
  std::vector<SkeletonBranch> branches;
  cv::Mat distance;  ///< CV_32F, each mask pixel's Euclidean distance to the background (0 outside)
  cv::Mat labels;    ///< CV_32S, the mask's 8-connected regions, 1.. (0 = background)
  int regions = 0;
};

/// The branches of a binary mask (CV_8UC1, crack > 0). Pixels beyond the mask's edge
/// count as background, so a crack running off the photo ends there.
SkeletonBranches skeleton_branches(const cv::Mat& mask, double spur_factor = 2.0);

}  // namespace crackkd::measurement
