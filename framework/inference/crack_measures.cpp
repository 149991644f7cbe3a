#include "inference/crack_measures.hpp"

#include <crackkd/error.hpp>

#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

namespace crackkd::inference {

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

  const int rows = skeleton.rows, cols = skeleton.cols;
  const auto on = [&](int y, int x) {
    return y >= 0 && x >= 0 && y < rows && x < cols && skeleton.at<std::uint8_t>(y, x) != 0;
  };
  // The skeleton as a graph: straight neighbours always link; diagonal ones only when
  // they do not already meet through a shared straight neighbour (a corner of a stair).
  const auto links_of = [&](int y, int x) {
    std::vector<cv::Point> links;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        if ((!dy && !dx) || !on(y + dy, x + dx)) continue;
        if (dy && dx && (on(y + dy, x) || on(y, x + dx))) continue;
        links.emplace_back(x + dx, y + dy);
      }
    return links;
  };
  std::vector<cv::Point> nodes;  // ends and junctions: where branches start
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) {
      if (!on(y, x)) continue;
      m.max_width_px = std::max(m.max_width_px, 2.0 * distance.at<float>(y, x) - 1.0);
      const auto degree = links_of(y, x).size();
      if (degree != 2) nodes.emplace_back(x, y);
      if (degree <= 1) m.length_px += distance.at<float>(y, x) * (degree == 0 ? 2.0 : 1.0) - 0.5 * (degree == 0);
    }

  // Each branch traced pixel by pixel, then measured as a polyline simplified to within a
  // pixel: summing 1 and √2 per step would overstate a straight crack at 22.5° by 8 %.
  std::set<std::pair<std::int64_t, std::int64_t>> walked;
  const auto key = [&](cv::Point p) { return static_cast<std::int64_t>(p.y) * cols + p.x; };
  const auto walk_once = [&](cv::Point a, cv::Point b) {
    return walked.insert(std::minmax(key(a), key(b))).second;
  };
  const auto trace = [&](cv::Point from, cv::Point next, bool closed) {
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
    m.length_px += cv::arcLength(simplified, false);
  };
  for (const auto& node : nodes)
    for (const auto& next : links_of(node.y, node.x))
      if (walk_once(node, next)) trace(node, next, false);
  for (int y = 0; y < rows; ++y)  // closed loops: no ends, no junctions
    for (int x = 0; x < cols; ++x)
      if (on(y, x))
        for (const auto& next : links_of(y, x))
          if (walk_once({x, y}, next)) trace({x, y}, next, true);
  m.mean_width_px = static_cast<double>(m.area_px) / std::max(1.0, m.length_px);
  return m;
}

}  // namespace crackkd::inference
