#include "inference/crack_measures.hpp"

#include <crackkd/error.hpp>

#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

namespace crackkd::inference {

namespace {

/// The skeleton as a graph: straight neighbours always link; diagonal ones only when they
/// do not already meet through a shared straight neighbour (a corner of a stair).
class SkeletonGraph {
 public:
  explicit SkeletonGraph(const cv::Mat& skeleton) : skeleton_(skeleton) {}

  bool on(int y, int x) const {
    return y >= 0 && x >= 0 && y < skeleton_.rows && x < skeleton_.cols && skeleton_.at<std::uint8_t>(y, x) != 0;
  }
  std::vector<cv::Point> links_of(int y, int x) const {
    std::vector<cv::Point> links;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        if ((!dy && !dx) || !on(y + dy, x + dx)) continue;
        if (dy && dx && (on(y + dy, x) || on(y, x + dx))) continue;
        links.emplace_back(x + dx, y + dy);
      }
    return links;
  }
  /// True the first time the link a-b is walked.
  bool walk_once(cv::Point a, cv::Point b) { return walked_.insert(std::minmax(key(a), key(b))).second; }

  /// The branch from `from` through `next` traced pixel by pixel to its next end or
  /// junction, measured as a polyline simplified to within a pixel: summing 1 and √2 per
  /// step would overstate a straight crack at 22.5° by 8 %.
  double branch_length(cv::Point from, cv::Point next, bool closed) {
    std::vector<cv::Point> path{from, next};
    cv::Point previous = from, current = next;
    while (true) {
      const auto links = links_of(current.y, current.x);
      if (links.size() != 2) break;
      const cv::Point ahead = links[0] == previous ? links[1] : links[0];
      if (!walk_once(current, ahead)) break;
      path.push_back(ahead);
      previous = current, current = ahead;
    }
    std::vector<cv::Point> simplified;
    cv::approxPolyDP(path, simplified, 1.0, closed && path.front() == path.back());
    return cv::arcLength(simplified, false);
  }

 private:
  std::int64_t key(cv::Point p) const { return static_cast<std::int64_t>(p.y) * skeleton_.cols + p.x; }

  const cv::Mat& skeleton_;
  std::set<std::pair<std::int64_t, std::int64_t>> walked_;
};

/// Ends and junctions (where branches start); adds to `m` the widest point and, at each
/// free end, the distance to the background there (thinning ate it).
std::vector<cv::Point> nodes_of(const SkeletonGraph& graph, const cv::Mat& distance, CrackMeasures& m) {
  std::vector<cv::Point> nodes;
  for (int y = 0; y < distance.rows; ++y)
    for (int x = 0; x < distance.cols; ++x) {
      if (!graph.on(y, x)) continue;
      m.max_width_px = std::max(m.max_width_px, 2.0 * distance.at<float>(y, x) - 1.0);
      const auto degree = graph.links_of(y, x).size();
      if (degree != 2) nodes.emplace_back(x, y);
      if (degree <= 1) m.length_px += distance.at<float>(y, x) * (degree == 0 ? 2.0 : 1.0) - 0.5 * (degree == 0);
    }
  return nodes;
}

}  // namespace

CrackMeasures measure_cracks(const cv::Mat& mask) {
  if (mask.type() != CV_8UC1) throw Error("measure_cracks: expected an 8-bit single-channel mask");
  cv::Mat binary = mask > 0;
  CrackMeasures m;
  m.area_px = cv::countNonZero(binary);
  if (m.area_px == 0) return m;

  // Thinning and the distance transform treat the image border as background only when
  // there is one: pad by a pixel so a crack running off the photo is measured like any other.
  cv::Mat padded;
  cv::copyMakeBorder(binary, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
  cv::Mat labels;
  m.components = cv::connectedComponents(padded, labels, 8) - 1;
  cv::Mat skeleton, distance;
  cv::ximgproc::thinning(padded, skeleton, cv::ximgproc::THINNING_ZHANGSUEN);
  cv::distanceTransform(padded, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);

  SkeletonGraph graph(skeleton);
  for (const auto& node : nodes_of(graph, distance, m))
    for (const auto& next : graph.links_of(node.y, node.x))
      if (graph.walk_once(node, next)) m.length_px += graph.branch_length(node, next, false);
  for (int y = 0; y < skeleton.rows; ++y)  // closed loops: no ends, no junctions
    for (int x = 0; x < skeleton.cols; ++x)
      if (graph.on(y, x))
        for (const auto& next : graph.links_of(y, x))
          if (graph.walk_once({x, y}, next)) m.length_px += graph.branch_length({x, y}, next, true);
  m.mean_width_px = static_cast<double>(m.area_px) / std::max(1.0, m.length_px);
  return m;
}

}  // namespace crackkd::inference
