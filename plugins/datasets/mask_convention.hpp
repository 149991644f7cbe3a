#pragma once
// How dataset.folder reads crack from masks as data sets ship them: 8-bit 0/255 (anti-
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

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace crackkd::datasets {

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

/// Reads `file` and reduces it to its level. Throws crackkd::Error naming an unreadable file.
MaskLevel read_mask_level(const std::filesystem::path& file, const std::vector<std::int64_t>& color);

struct MaskRule {
  enum class Kind { Nonzero, HalfScale, Threshold };
  Kind kind = Kind::HalfScale;
  int threshold = 0;        ///< for Kind::Threshold
  std::string description;  ///< "0/1: crack = 1", for the log line
};

/// The rule for the masks `masks` of `folder` (see the header). Logs the rule once on
/// stderr; throws crackkd::Error when "auto" finds masks of two kinds.
MaskRule mask_rule(const std::vector<std::filesystem::path>& masks, const MaskOptions& options,
                   const std::string& folder);

/// 1 where `mask` is crack under `rule`, else 0: CV_8U, the mask's size.
cv::Mat crack_pixels(const MaskLevel& mask, const MaskRule& rule);

}  // namespace crackkd::datasets
