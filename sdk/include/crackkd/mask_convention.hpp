#pragma once
// How CrackKD reads crack from masks as data sets ship them (dataset.folder, and
// `crackkd infer --reference`; here so that both share one reader): 8-bit 0/255 (anti-
// aliased too), 0/1 (mmsegmentation), 0/k label images, 16-bit, palette PNGs (read as
// colour) and RGB masks. Each mask is first reduced to one channel, its level:
//   - grey files (8- or 16-bit, or colour files whose channels agree everywhere): the value;
//   - colour files: the brightest channel;
//   - files with alpha whose colour is one value everywhere (crack drawn as opacity over
//     white): the alpha channel;
//   - with `mask_color = [r, g, b]`: 255 where the pixel is that colour (each channel
//     within 8), else 0.
// Then one rule per data set says which levels are crack:
//   - label masks (largest level below half the scale: 0/1, 0/k): any non-zero level;
//   - full-range masks (0/255, 0/65535, anti-aliased): at least half the scale (128, 32768);
//   - colour masks: at least half the brightest level seen (a JPEG mask's faint halos
//     around the crack are not crack);
//   - or what the options say: mask_values = "0/255" (half the scale), "0/1" or "nonzero"
//     (non-zero), mask_threshold = T (level >= T).
// "auto" reads up to 32 masks spread over the data set; masks of two kinds are an error
// naming one of each, and masks that are all empty a warning naming the folder (scores
// would count every empty prediction as perfect).
//
// Header-only, on OpenCV (core, imgproc, imgcodecs): a plugin that includes it links those.
// `who` ("dataset folder") begins every message.

#include <crackkd/error.hpp>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace crackkd {

struct MaskOptions {
  std::string values = "auto";        ///< auto | 0/255 | 0/1 | nonzero
  std::int64_t threshold = -1;        ///< >= 0: crack = level >= threshold
  std::vector<std::int64_t> color;    ///< [r, g, b]: crack = that colour; empty: none
};

struct MaskLevel {
  cv::Mat level;         ///< one channel, CV_8U or CV_16U
  bool colour = false;   ///< from a colour file whose channels differ
  int full_scale = 255;  ///< 255, or 65535 for 16-bit files
  bool from_alpha = false;  ///< the alpha channel, the colour being one value everywhere
};

struct MaskRule {
  enum class Kind { Nonzero, HalfScale, Threshold };
  Kind kind = Kind::HalfScale;
  int threshold = 0;        ///< for Kind::Threshold
  std::string description;  ///< "0/1: crack = 1", for the log line
};

/// Reads `file` and reduces it to its level. Throws crackkd::Error naming an unreadable file.
inline MaskLevel read_mask_level(const std::filesystem::path& file, const std::vector<std::int64_t>& color,
                                 const std::string& who);

namespace mask_convention_detail {

/// Colour files whose channels all agree are grey masks saved as RGB.
inline bool channels_agree(const std::vector<cv::Mat>& channels) {
  for (std::size_t c = 1; c < channels.size(); ++c)
    if (cv::countNonZero(channels[c] != channels[0]) > 0) return false;
  return true;
}

/// Whether every pixel of every channel has one value.
inline bool is_constant(const std::vector<cv::Mat>& channels) {
  double lo = 0, hi = 0, first = -1;
  for (const auto& c : channels) {
    cv::minMaxLoc(c, &lo, &hi);
    if (lo != hi || (first >= 0 && lo != first)) return false;
    first = lo;
  }
  return true;
}

inline cv::Mat matching_colour(const cv::Mat& bgr, const std::vector<std::int64_t>& rgb) {
  const auto lo = [&](int c) { return static_cast<double>(rgb[static_cast<std::size_t>(c)] - 8); };
  const auto hi = [&](int c) { return static_cast<double>(rgb[static_cast<std::size_t>(c)] + 8); };
  cv::Mat inside;
  cv::inRange(bgr, cv::Scalar(lo(2), lo(1), lo(0)), cv::Scalar(hi(2), hi(1), hi(0)), inside);
  return inside;  // 255 inside, 0 outside
}

/// What a mask's level says about its data set's convention.
enum class Kind { Empty, Label, FullRange, Colour };

struct Seen {
  Kind kind = Kind::Empty;
  double largest = 0;
  int full_scale = 255;
  bool from_alpha = false;
};

inline Seen classify(const MaskLevel& m) {
  double largest = 0;
  cv::minMaxLoc(m.level, nullptr, &largest);
  if (largest == 0) return {Kind::Empty, 0, m.full_scale, m.from_alpha};
  if (m.colour) return {Kind::Colour, largest, m.full_scale, m.from_alpha};
  return {2 * largest < m.full_scale ? Kind::Label : Kind::FullRange, largest, m.full_scale, m.from_alpha};
}

inline std::string kind_text(const Seen& s) {
  const std::string depth = s.full_scale > 255 ? "16-bit " : "";
  if (s.kind == Kind::Colour) return "colour";
  if (s.kind == Kind::Label) return depth + "0/" + std::to_string(static_cast<long>(s.largest));
  return depth + "0/" + std::to_string(s.full_scale);
}

inline MaskRule rule_for(const Seen& s) {
  if (s.kind == Kind::Colour) {
    // Half the brightest level seen, not any non-black pixel: a JPEG mask's faint halos
    // around the crack (levels of a few units) made 60 % of a red-on-black set crack.
    const int from = static_cast<int>(s.largest + 1) / 2;
    return {MaskRule::Kind::Threshold, from,
            "are colour: crack = brightest channel >= " + std::to_string(from) + " (half the brightest seen)"};
  }
  if (s.kind == Kind::Label) {
    const std::string k = std::to_string(static_cast<long>(s.largest));
    return {MaskRule::Kind::Nonzero, 0, "are " + kind_text(s) + ": crack = " + (k == "1" ? "1" : "any value above 0")};
  }
  return {MaskRule::Kind::HalfScale, 0,
          "are " + kind_text(s) + ": crack = value >= " + std::to_string((s.full_scale + 1) / 2)};
}

inline MaskRule rule_from_options(const MaskOptions& o) {
  if (!o.color.empty())
    return {MaskRule::Kind::Threshold, 128,
            "are read as set: crack = colour (" + std::to_string(o.color[0]) + ", " + std::to_string(o.color[1]) +
                ", " + std::to_string(o.color[2]) + ") +-8 (mask_color)"};
  if (o.threshold >= 0)
    return {MaskRule::Kind::Threshold, static_cast<int>(o.threshold),
            "are read as set: crack = value >= " + std::to_string(o.threshold) + " (mask_threshold)"};
  if (o.values == "0/255")
    return {MaskRule::Kind::HalfScale, 0, "are read as set: crack = value >= half the scale (mask_values)"};
  return {MaskRule::Kind::Nonzero, 0, "are read as set: crack = any value above 0 (mask_values)"};
}

/// Every mask when all `probed` were empty: a data set without a crack pixel is a warning.
inline void warn_if_all_empty(const std::vector<std::filesystem::path>& masks, const MaskOptions& options,
                              const std::string& folder, const std::string& who) {
  for (const auto& file : masks)
    if (classify(read_mask_level(file, options.color, who)).kind != Kind::Empty) return;
  std::clog << who << ": warning: all " << masks.size() << " masks of " << folder
            << " are empty (no crack pixel); every empty prediction will score as perfect" << std::endl;
}

}  // namespace mask_convention_detail

inline MaskLevel read_mask_level(const std::filesystem::path& file, const std::vector<std::int64_t>& color,
                                 const std::string& who) {
  using namespace mask_convention_detail;
  const cv::Mat raw = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
  if (raw.empty()) throw Error(who + ": cannot read mask " + file.string());
  if (raw.depth() != CV_8U && raw.depth() != CV_16U)
    throw Error(who + ": mask " + file.string() + " is neither 8- nor 16-bit");
  MaskLevel m;
  m.full_scale = raw.depth() == CV_16U ? 65535 : 255;
  std::vector<cv::Mat> channels;
  cv::split(raw, channels);
  if (channels.size() == 2 || channels.size() == 4) {
    cv::Mat alpha = channels.back();
    channels.pop_back();
    // Drawn as transparency (white everywhere, crack opaque): the colour says nothing,
    // the alpha channel is the mask.
    if (color.empty() && is_constant(channels) && !is_constant({alpha})) {
      m.level = alpha;
      m.from_alpha = true;
      return m;
    }
  }
  if (!color.empty()) {
    cv::Mat bgr;
    if (channels.size() == 1) channels = {channels[0], channels[0], channels[0]};
    cv::merge(channels, bgr);
    if (bgr.depth() == CV_16U) bgr.convertTo(bgr, CV_8U, 1.0 / 257);
    return {matching_colour(bgr, color), false, 255};
  }
  m.colour = !channels_agree(channels);
  m.level = channels[0];
  for (std::size_t c = 1; m.colour && c < channels.size(); ++c) m.level = cv::max(m.level, channels[c]);
  return m;
}

/// The rule for the masks `masks` of `folder` (see the header). Logs the rule once on
/// stderr; throws crackkd::Error when "auto" finds masks of two kinds.
inline MaskRule mask_rule(const std::vector<std::filesystem::path>& masks, const MaskOptions& options,
                          const std::string& folder, const std::string& who) {
  using namespace mask_convention_detail;
  namespace fs = std::filesystem;
  const bool automatic = options.values == "auto" && options.threshold < 0 && options.color.empty();
  const std::size_t probes = std::min<std::size_t>(32, masks.size());
  std::vector<std::pair<Seen, const fs::path*>> kinds;  // the first mask of each kind
  for (std::size_t k = 0; k < probes; ++k) {
    const fs::path& file = masks[k * masks.size() / probes];
    const Seen seen = classify(read_mask_level(file, options.color, who));
    if (seen.kind == Kind::Empty) continue;
    const auto same_kind = [&](const auto& e) { return e.first.kind == seen.kind; };
    const auto known = std::find_if(kinds.begin(), kinds.end(), same_kind);
    if (known == kinds.end()) kinds.emplace_back(seen, &file);
    else known->first.largest = std::max(known->first.largest, seen.largest);
  }
  if (kinds.empty()) warn_if_all_empty(masks, options, folder, who);
  if (automatic && kinds.size() > 1)
    throw Error(who + ": the masks of " + folder + " mix " + kind_text(kinds[0].first) + " (" +
                kinds[0].second->string() + ") and " + kind_text(kinds[1].first) + " (" + kinds[1].second->string() +
                "); set mask_values or mask_threshold");
  const MaskRule if_empty{MaskRule::Kind::HalfScale, 0, "are empty (crack would be value >= half the scale)"};
  MaskRule rule = !automatic ? rule_from_options(options) : kinds.empty() ? if_empty : rule_for(kinds[0].first);
  if (!kinds.empty() && kinds[0].first.from_alpha)
    rule.description += " (in the alpha channel: the colour is the same everywhere)";
  std::clog << who << ": the masks of " << folder << " " << rule.description << std::endl;
  return rule;
}

/// 1 where `mask` is crack under `rule`, else 0: CV_8U, the mask's size.
inline cv::Mat crack_pixels(const MaskLevel& mask, const MaskRule& rule) {
  double from = 1;  // Nonzero
  if (rule.kind == MaskRule::Kind::HalfScale) from = (mask.full_scale + 1) / 2;
  if (rule.kind == MaskRule::Kind::Threshold) from = rule.threshold;
  cv::Mat crack = mask.level >= from;  // 255 / 0
  return crack / 255;
}

}  // namespace crackkd
