// dataset.folder: image/mask pairs from a folder, the layout of masonry224 and of most
// crack datasets.
//
//   root/images/<name>.png|jpg|jpeg|bmp|tif|…          RGB photos of any size
//   root/masks/<name><mask_suffix>.png|bmp|…             masks of the same size, any format
//                                                         crackkd/mask_convention.hpp reads
//
//   [datasets.train]
//   plugin   = "folder"
//   root     = "${CRACKKD_DATA:-../shared/data}/masonry224/train"
//   cache    = true          # decode images once, up front (their errors surface before training)
//   cache_mb = -1            # while the cache stays under half of the available memory
//   mask_suffix = ""         # "_mask" pairs a.jpg with a_mask.png (crackkd/file_pairing.hpp)
//   mask_values = "auto"     # or "0/255", "0/1", "nonzero"; or mask_threshold = T,
//                            # or mask_color = [r, g, b] (crackkd/mask_convention.hpp)
//
// Masks saved as 0/1 (mmsegmentation's convention) look black and would read as all
// background under a fixed threshold of 128, scoring empty predictions as perfect. "auto"
// tells 0/255, 0/1 and 0/k, 16-bit and colour masks apart from up to 32 masks spread over
// the data set, and one line on stderr says what it found; masks of two kinds in one data
// set are an error naming one of each, and a data set whose masks are all empty a warning.
//
// Unpaired files (listed together), a mask whose size differs from its image, an
// unreadable file or an empty folder is an error naming the file.
//
// The cache keeps images as decoded 8-bit pixels, a quarter of the float samples' size,
// and converts on each read: a 448x448 pair takes 0.8 MB, so MC448's 3,000 images fit in
// 2.4 GB. Images in name order are cached until the next one would pass the budget; the
// rest are decoded (and checked) when read. One line on stderr says how many were cached:
// plugins have no logger of the host's, and a silent fallback to decoding would be a
// mystery slowdown.
//
// Photos are read upright, as viewers and annotation tools show them: a JPEG's EXIF
// orientation tag turns its pixels (a phone's portrait photo is stored as landscape with
// tag 6), and its mask is taken as drawn on the upright photo. A mask that fits only the
// photo as stored (its width and height swapped) was drawn on the stored pixels: that
// photo is read as stored. One line on stderr counts the tagged photos and names one.

#include "folder_fingerprint.hpp"

#include <crackkd/available_memory.hpp>
#include <crackkd/dataset.hpp>
#include <crackkd/exif_orientation.hpp>
#include <crackkd/file_pairing.hpp>
#include <crackkd/mask_convention.hpp>
#include <crackkd/plugin.hpp>

#include <ATen/ATen.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>


#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace {

namespace fs = std::filesystem;

struct FolderDatasetOptions {
  std::string root;
  std::string images = "images";
  std::string masks = "masks";
  std::string mask_suffix;
  bool cache = true;
  std::int64_t cache_mb = -1;
  std::string mask_values = "auto";
  std::int64_t mask_threshold = -1;
  std::vector<std::int64_t> mask_color;
  static void declare(crackkd::OptionSchema<FolderDatasetOptions>& s) {
    s.required("root", &FolderDatasetOptions::root, "folder holding the image and mask folders");
    s.optional("images", &FolderDatasetOptions::images, "image folder, relative to root");
    s.optional("masks", &FolderDatasetOptions::masks, "mask folder, relative to root");
    s.optional("mask_suffix", &FolderDatasetOptions::mask_suffix,
               "a mask's name is its image's name + this (\"_mask\": a.jpg ↔ a_mask.png), any extensions");
    s.optional("cache", &FolderDatasetOptions::cache,
               "decode images when the dataset is opened and keep them in memory, up to cache_mb; false decodes "
               "each sample when it is read");
    s.optional("cache_mb", &FolderDatasetOptions::cache_mb,
               "memory the cache may fill, in MiB; -1 = half of the memory available when the dataset opens "
               "(MemAvailable); images past it are decoded when read")
        .in_range(-1, 1 << 30);
    s.optional("mask_values", &FolderDatasetOptions::mask_values,
               "what marks crack in the masks: 0/255 (>= 128), 0/1 (= 1), nonzero (> 0), or auto (0/1 when no "
               "mask holds a value above 1, else 0/255)")
        .one_of({"auto", "0/255", "0/1", "nonzero"});
    s.optional("mask_threshold", &FolderDatasetOptions::mask_threshold,
               "crack = mask value >= this (instead of mask_values); -1 = unset")
        .in_range(-1, 65535);
    s.optional("mask_color", &FolderDatasetOptions::mask_color,
               "colour masks: crack = pixels of this [r, g, b] (each within 8); [] = unset")
        .in_range(0, 255);
  }

  void check(const crackkd::Params& p) const {
    if (!mask_color.empty() && mask_color.size() != 3)
      throw crackkd::ConfigError(p.where(), p.qualified("mask_color") + " takes [r, g, b], not " +
                                                std::to_string(mask_color.size()) + " values");
    const int set = (mask_values != "auto") + (mask_threshold >= 0) + !mask_color.empty();
    if (set > 1)
      throw crackkd::ConfigError(p.where(), p.qualified("mask_values") + ", mask_threshold and mask_color each " +
                                                "say what crack is: set one of them");
  }
};

std::string mib(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

/// What is wrong with the layout, and the keys that would read what is there: a user with
/// photos/ and labels/ learns of `images` and `masks`; a relative root names the working
/// folder it was read from.
crackkd::Error missing_folder(const fs::path& root, const fs::path& image_dir, const fs::path& mask_dir) {
  const bool images_there = fs::is_directory(image_dir);
  const std::string missing = std::string(images_there ? "no mask folder " : "no image folder ") +
                              (images_there ? mask_dir : image_dir).string();
  const std::string relative = root.is_relative() ? " (a relative root is read from the working folder " +
                                                        fs::current_path().string() +
                                                        "; the shipped pipelines find their data through CRACKKD_DATA)"
                                                  : "";
  if (!fs::is_directory(root))
    return crackkd::Error("dataset folder: " + missing + ": " + root.string() + " does not exist" + relative);
  std::string there;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec))
    if (entry.is_directory(ec)) there += (there.empty() ? "" : ", ") + entry.path().filename().string() + "/";
  return crackkd::Error("dataset folder: " + missing + "; " + root.string() + " holds " +
                        (there.empty() ? "no folders" : there) +
                        ": the dataset's `images` and `masks` keys name the folders of the photos and the masks"
                        " (default \"images\" and \"masks\")" + relative);
}

class FolderDataset : public crackkd::Dataset {
 public:
  using Options = FolderDatasetOptions;

  explicit FolderDataset(const Options& options) {
    const fs::path root(options.root);
    const fs::path image_dir = root / options.images;
    const fs::path mask_dir = root / options.masks;
    if (!fs::is_directory(image_dir) || !fs::is_directory(mask_dir)) throw missing_folder(root, image_dir, mask_dir);

    pairs_ = crackkd::pair_files(image_dir, mask_dir, options.mask_suffix);
    std::vector<fs::path> masks;
    for (const auto& p : pairs_) masks.push_back(p.mask);
    mask_options_ = {options.mask_values, options.mask_threshold, options.mask_color};
    rule_ = crackkd::mask_rule(masks, mask_options_, mask_dir.string(), "dataset folder");
    report_orientation_tags(image_dir);
    if (options.cache) fill_cache(options, image_dir);
  }

  /// Names and bytes of the files (folder_fingerprint.hpp): a changed folder reruns its
  /// stages, a copied one does not.
  static std::string input_fingerprint(const Options& options) {
    return crackkd::datasets::folder_fingerprint(options.root, {options.images, options.masks});
  }

  std::size_t size() const override { return pairs_.size(); }

  std::string mask_convention() const override {
    const std::string& text = rule_.description;  // "are 0/1: crack = 1", after "the masks of X"
    return text.rfind("are ", 0) == 0 ? text.substr(4) : text;
  }

  crackkd::Sample get(std::size_t index) const override {
    if (index >= pairs_.size())
      throw crackkd::Error("dataset folder: index " + std::to_string(index) + " past " + std::to_string(pairs_.size()));
    // to_sample makes new tensors: a transform that writes in place never reaches the cache.
    return to_sample(index < cache_.size() ? cache_[index] : decode(index), index);
  }

 private:
  using Pair = crackkd::FilePair;

  /// One image as decoded: 8-bit RGB 3xHxW and its mask 1xHxW in {0, 1}.
  struct Decoded {
    at::Tensor image;
    at::Tensor mask;
    std::uint64_t bytes() const { return image.nbytes() + mask.nbytes(); }
  };

  void fill_cache(const Options& options, const fs::path& image_dir) {
    const std::uint64_t budget = options.cache_mb >= 0 ? static_cast<std::uint64_t>(options.cache_mb) << 20
                                                       : crackkd::available_memory_bytes() / 2;
    std::uint64_t used = 0;
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
      Decoded d = decode(i);
      if (used + d.bytes() > budget) break;
      used += d.bytes();
      cache_.push_back(std::move(d));
    }
    const std::string budget_text =
        mib(budget) + (options.cache_mb >= 0 ? " (cache_mb)" : " (half the available memory)");
    if (cache_.size() == pairs_.size())
      std::clog << "dataset folder: all " << pairs_.size() << " images of " << image_dir.string()
                << " cached in memory, " << mib(used) << " of " << budget_text << std::endl;
    else
      std::clog << "dataset folder: " << cache_.size() << " of " << pairs_.size() << " images of " << image_dir.string()
                << " cached in memory, " << mib(used) << " of " << budget_text << "; the other "
                << pairs_.size() - cache_.size() << " are decoded when read" << std::endl;
  }

  crackkd::Sample to_sample(const Decoded& d, std::size_t index) const {
    return {d.image.to(at::kFloat).div_(255.0f), d.mask.to(at::kFloat), pairs_[index].image.string()};
  }

  /// The line on stderr about photos an EXIF tag turns (see the header).
  void report_orientation_tags(const fs::path& image_dir) const {
    std::size_t tagged = 0;
    std::string example;
    for (const auto& p : pairs_)
      if (const int o = crackkd::exif_orientation(p.image); o != 1 && tagged++ == 0)
        example = p.image.filename().string() + ": " + std::to_string(o) + ", " + crackkd::exif_orientation_text(o);
    if (tagged > 0)
      std::clog << "dataset folder: " << tagged << " photo" << (tagged == 1 ? "" : "s") << " of " << image_dir.string()
                << " carry an EXIF orientation tag (" << example << "): read upright, as viewers show them, with "
                << "masks taken as drawn on the upright photo; a mask that fits only the photo as stored is read "
                   "with the photo as stored"
                << std::endl;
  }

  Decoded decode(std::size_t index) const {
    const Pair& p = pairs_[index];
    cv::Mat bgr = cv::imread(p.image.string(), cv::IMREAD_COLOR);
    if (bgr.empty()) throw crackkd::Error("dataset folder: cannot read image " + p.image.string());
    const auto level = crackkd::read_mask_level(p.mask, mask_options_.color, "dataset folder");
    const cv::Mat mask = crackkd::crack_pixels(level, rule_);
    if (mask.size() != bgr.size() && mask.size() == cv::Size(bgr.rows, bgr.cols))  // drawn on the stored pixels?
      if (cv::Mat stored = cv::imread(p.image.string(), cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
          stored.size() == mask.size())
        bgr = stored;
    if (mask.size() != bgr.size())
      throw crackkd::Error("dataset folder: mask " + std::to_string(mask.cols) + "x" + std::to_string(mask.rows) +
                           " does not match image " + std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) +
                           " (width x height) in " + p.mask.string());
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);  // imread's Mats are continuous, as from_blob needs
    const auto pixels = at::from_blob(rgb.data, {rgb.rows, rgb.cols, 3}, at::kByte);
    const auto gray = at::from_blob(mask.data, {1, mask.rows, mask.cols}, at::kByte);
    // Both copy out of the Mats, which die here.
    return {pixels.permute({2, 0, 1}).contiguous(), gray.clone()};
  }

  std::vector<Pair> pairs_;
  std::vector<Decoded> cache_;  ///< images 0 … cache_.size()-1; filled once, then only read
  crackkd::MaskOptions mask_options_;
  crackkd::MaskRule rule_;  ///< which mask levels are crack
};

}  // namespace

CRACKKD_PLUGIN(dataset, folder, FolderDataset,
               "Image/mask pairs from root/images and root/masks (names paired with mask_suffix, any size; "
               "0/255, 0/1, 0/k, 16-bit, palette or colour masks)")
