#include "measurement/skeleton_branches.hpp"

#include <crackkd/error.hpp>

#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace crackkd::measurement {

namespace {

/// A branch while the graph is pruned: its path and the nodes at its two ends (-1 for a loop).
struct Edge {
  std::vector<cv::Point> path;
  int from = -1, to = -1;
  bool alive = true;
};

class Skeleton {
 public:
  explicit Skeleton(const cv::Mat& thin) : thin_(thin), node_(thin.size(), CV_32S, cv::Scalar(-1)) {}

  bool on(cv::Point p) const {
    return p.x >= 0 && p.y >= 0 && p.x < thin_.cols && p.y < thin_.rows && thin_.at<std::uint8_t>(p) != 0;
  }
  /// Straight neighbours, and diagonal ones not already joined through a straight one.
  std::vector<cv::Point> links_of(cv::Point p) const {
    std::vector<cv::Point> links;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const cv::Point q{p.x + dx, p.y + dy};
        if ((!dy && !dx) || !on(q)) continue;
        if (dy && dx && (on({p.x + dx, p.y}) || on({p.x, p.y + dy}))) continue;
        links.push_back(q);
      }
    return links;
  }
  int node_at(cv::Point p) const { return node_.at<int>(p); }

  /// Every pixel with other than two links becomes a node; touching junction pixels are one node.
  int mark_nodes() {
    cv::Mat junctions = cv::Mat::zeros(thin_.size(), CV_8U);
    std::vector<cv::Point> ends;
    for (int y = 0; y < thin_.rows; ++y)
      for (int x = 0; x < thin_.cols; ++x) {
        if (!on({x, y})) continue;
        const auto degree = links_of({x, y}).size();
        if (degree >= 3) junctions.at<std::uint8_t>(y, x) = 1;
        else if (degree != 2) ends.emplace_back(x, y);
      }
    cv::Mat clusters;
    const int n = cv::connectedComponents(junctions, clusters, 8, CV_32S);
    for (int y = 0; y < thin_.rows; ++y)
      for (int x = 0; x < thin_.cols; ++x)
        if (junctions.at<std::uint8_t>(y, x)) node_.at<int>(y, x) = clusters.at<int>(y, x) - 1;
    int next = n - 1;
    for (const auto& p : ends) node_.at<int>(p) = next++;
    return next;
  }

  /// The edges: from each node along each link to the next node; then the loops left over.
  std::vector<Edge> trace(int nodes) {
    std::vector<Edge> edges;
    std::vector<cv::Point> first_pixel(static_cast<std::size_t>(nodes), {-1, -1});
    for (int y = 0; y < thin_.rows; ++y)
      for (int x = 0; x < thin_.cols; ++x) {
        const int id = on({x, y}) ? node_at({x, y}) : -1;
        if (id < 0) continue;
        if (links_of({x, y}).empty()) edges.push_back({{{x, y}}, id, id});  // a lone pixel
        for (const auto& next : links_of({x, y})) {
          if (node_at(next) == id || !walk_once({x, y}, next)) continue;
          edges.push_back(follow({x, y}, next));
        }
      }
    for (int y = 0; y < thin_.rows; ++y)  // closed loops: no node on them
      for (int x = 0; x < thin_.cols; ++x)
        if (on({x, y}))
          for (const auto& next : links_of({x, y}))
            if (walk_once({x, y}, next)) {
              Edge loop = follow({x, y}, next);
              loop.from = loop.to = -1;
              edges.push_back(std::move(loop));
            }
    return edges;
  }

 private:
  Edge follow(cv::Point start, cv::Point next) {
    Edge e;
    e.from = node_at(start);
    e.path = {start, next};
    cv::Point previous = start, current = next;
    while (node_at(current) < 0) {
      const auto links = links_of(current);
      const cv::Point ahead = links[0] == previous ? links[1] : links[0];
      if (!walk_once(current, ahead)) break;  // back where a loop began
      e.path.push_back(ahead);
      previous = current, current = ahead;
    }
    e.to = node_at(current);
    return e;
  }
  std::int64_t key(cv::Point p) const { return static_cast<std::int64_t>(p.y) * thin_.cols + p.x; }
  bool walk_once(cv::Point a, cv::Point b) { return walked_.insert(std::minmax(key(a), key(b))).second; }

  const cv::Mat& thin_;
  cv::Mat node_;
  std::set<std::pair<std::int64_t, std::int64_t>> walked_;
};

double steps_length(const std::vector<cv::Point>& path) {
  double length = 0;
  for (std::size_t i = 1; i < path.size(); ++i) length += cv::norm(path[i] - path[i - 1]);
  return length;
}

std::map<int, int> degrees(const std::vector<Edge>& edges) {
  std::map<int, int> degree;
  for (const auto& e : edges)
    if (e.alive && e.from >= 0 && e.path.size() > 1) ++degree[e.from], ++degree[e.to];  // not a lone pixel
  return degree;
}

/// Removes the spurs of one round; true when any went. A junction keeps its longest branch.
bool remove_spurs(std::vector<Edge>& edges, const cv::Mat& distance, double spur_factor) {
  auto degree = degrees(edges);
  std::map<int, std::vector<std::size_t>> spurs_at;  // junction -> its spur candidates
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const auto& e = edges[i];
    if (!e.alive || e.from < 0 || e.from == e.to) continue;
    const bool free_from = degree[e.from] == 1, free_to = degree[e.to] == 1;
    if (free_from == free_to) continue;  // a lone stroke, or between two junctions
    const cv::Point junction = free_from ? e.path.back() : e.path.front();
    if (steps_length(e.path) < spur_factor * distance.at<float>(junction)) spurs_at[free_from ? e.to : e.from].push_back(i);
  }
  bool removed = false;
  for (auto& [junction, spurs] : spurs_at) {
    if (static_cast<int>(spurs.size()) == degree[junction]) {  // all short: the longest is the crack
      const auto longest = std::max_element(spurs.begin(), spurs.end(), [&](std::size_t a, std::size_t b) {
        return steps_length(edges[a].path) < steps_length(edges[b].path);
      });
      spurs.erase(longest);
    }
    for (const auto i : spurs) edges[i].alive = false, removed = true;
  }
  return removed;
}

/// Joins the two branches at each node left with exactly two, in one pass: a joined
/// branch takes the other's place at its far node.
void join_at_two_way_nodes(std::vector<Edge>& edges) {
  std::map<int, std::vector<std::size_t>> ends_at;  // node -> the branches ending there (a loop twice)
  for (std::size_t i = 0; i < edges.size(); ++i)
    if (edges[i].alive && edges[i].from >= 0 && edges[i].path.size() > 1)
      ends_at[edges[i].from].push_back(i), ends_at[edges[i].to].push_back(i);
  for (auto& [node, at] : ends_at) {
    if (at.size() != 2) continue;
    if (at[0] == at[1]) {  // both ends of one branch: a loop through the node
      edges[at[0]].from = edges[at[0]].to = -1;
      at.clear();
      continue;
    }
    Edge& a = edges[at[0]];
    Edge& b = edges[at[1]];
    if (a.to != node) std::reverse(a.path.begin(), a.path.end()), std::swap(a.from, a.to);
    if (b.from != node) std::reverse(b.path.begin(), b.path.end()), std::swap(b.from, b.to);
    const std::size_t skip = a.path.back() == b.path.front() ? 1 : 0;
    a.path.insert(a.path.end(), b.path.begin() + static_cast<std::ptrdiff_t>(skip), b.path.end());
    a.to = b.to;
    b.alive = false;
    auto& far = ends_at[a.to];
    *std::find(far.begin(), far.end(), at[1]) = at[0];
    at.clear();
  }
}

}  // namespace

SkeletonBranches skeleton_branches(const cv::Mat& mask, double spur_factor) {
  if (mask.empty() || mask.type() != CV_8UC1) throw Error("skeleton_branches: expected an 8-bit single-channel mask");
  const cv::Mat binary = mask > 0;
  SkeletonBranches out;
  out.regions = cv::connectedComponents(binary, out.labels, 8, CV_32S) - 1;
  out.distance = cv::Mat::zeros(mask.size(), CV_32F);
  if (out.regions == 0) return out;
  // Thinning passes over every pixel until nothing changes: only the box around the
  // cracks, padded by a pixel so that the photo's edge is background to thinning and to
  // the distance transform alike.
  const cv::Rect box = cv::boundingRect(binary);
  cv::Mat padded, thin, distance;
  cv::copyMakeBorder(binary(box), padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
  cv::ximgproc::thinning(padded, thin, cv::ximgproc::THINNING_GUOHALL);
  cv::distanceTransform(padded, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  distance(cv::Rect(1, 1, box.width, box.height)).copyTo(out.distance(box));

  Skeleton skeleton(thin);
  auto edges = skeleton.trace(skeleton.mark_nodes());
  while (remove_spurs(edges, distance, spur_factor)) join_at_two_way_nodes(edges);
  join_at_two_way_nodes(edges);
  const auto degree = degrees(edges);
  for (auto& e : edges) {
    if (!e.alive) continue;
    SkeletonBranch b;
    for (const auto& p : e.path) b.path.emplace_back(p.x - 1 + box.x, p.y - 1 + box.y);
    b.closed = e.from < 0;
    const bool lone = e.path.size() == 1;
    b.free_start = !b.closed && (lone || degree.at(e.from) == 1);
    b.free_end = !b.closed && (lone || degree.at(e.to) == 1);
    out.branches.push_back(std::move(b));
  }
  return out;
}

}  // namespace crackkd::measurement
