// dataset.folder: image/mask pairs from a folder, the layout of masonry224 and of most
// crack datasets.
//
//   root/images/<name>.png|jpg|jpeg|bmp|tif   RGB photos of any size
//   root/masks/<name>.png|…                   8-bit masks of the same size: 0/255 (crack >= 128)
//                                             or 0/1 (crack = 1), told apart from the masks
//
//   [datasets.train]
//   plugin   = "folder"
//   root     = "${CRACKKD_DATA:-../shared/data}/masonry224/train"
//   cache    = true          # decode images once, up front (their errors surface before training)
//   cache_mb = -1            # while the cache stays under half of the available memory
//   mask_values = "auto"     # or "0/255", "0/1", "nonzero"
//
// Masks saved as 0/1 (mmsegmentation's convention) look black and would read as all
// background under a fixed threshold of 128, scoring empty predictions as perfect. "auto"
// looks at up to 32 masks spread over the data set when it opens: if none holds a value
// above 1 and some hold 1, crack = 1, and one line on stderr says so; masks of both kinds
// in one data set are an error naming one of each.
//
// A missing mask, a mask whose size differs from its image, an unreadable file or an
// empty folder is an error naming the file.
//
// The cache keeps images as decoded 8-bit pixels, a quarter of the float samples' size,
// and converts on each read: a 448x448 pair takes 0.8 MB, so MC448's 3,000 images fit in
// 2.4 GB. Images in name order are cached until the next one would pass the budget; the
// rest are decoded (and checked) when read. One line on stderr says how many were cached:
// plugins have no logger of the host's, and a silent fallback to decoding would be a
// mystery slowdown.

#include <crackkd/dataset.hpp>
#include <crackkd/plugin.hpp>

#include <ATen/ATen.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <unistd.h>

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
  bool cache = true;
  std::int64_t cache_mb = -1;
  std::string mask_values = "auto";
  static void declare(crackkd::OptionSchema<FolderDatasetOptions>& s) {
    s.required("root", &FolderDatasetOptions::root, "folder holding the image and mask folders");
    s.optional("images", &FolderDatasetOptions::images, "image folder, relative to root");
    s.optional("masks", &FolderDatasetOptions::masks, "mask folder, relative to root; masks share the image's name");
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
  }
};

/// Bytes that can be allocated without swapping: MemAvailable from /proc/meminfo, else
/// the free physical pages (which undercounts the reclaimable page cache); in a container
/// with a cgroup v2 memory limit, no more than the limit leaves, since /proc/meminfo
/// describes the whole machine there.
std::uint64_t available_memory_bytes() {
  std::uint64_t available = 0;
  std::ifstream meminfo("/proc/meminfo");
  std::string key, rest;
  std::uint64_t kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemAvailable:") {
      available = kib * 1024;
      break;
    }
    std::getline(meminfo, rest);
  }
  if (available == 0) {
    const long pages = ::sysconf(_SC_AVPHYS_PAGES), page_bytes = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && page_bytes > 0)
      available = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_bytes);
  }
  std::uint64_t limit = 0, current = 0;  // memory.max reads "max" when there is no limit
  if (std::ifstream("/sys/fs/cgroup/memory.max") >> limit && std::ifstream("/sys/fs/cgroup/memory.current") >> current)
    available = std::min(available, limit > current ? limit - current : 0);
  return available;
}

std::string mib(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

bool is_image_file(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".tif" || ext == ".tiff";
}

class FolderDataset : public crackkd::Dataset {
 public:
  using Options = FolderDatasetOptions;

  explicit FolderDataset(const Options& options) {
    const fs::path root(options.root);
    const fs::path image_dir = root / options.images;
    const fs::path mask_dir = root / options.masks;
    if (!fs::is_directory(image_dir)) throw crackkd::Error("dataset folder: no image folder " + image_dir.string());
    if (!fs::is_directory(mask_dir)) throw crackkd::Error("dataset folder: no mask folder " + mask_dir.string());

    std::map<std::string, fs::path> masks_by_stem;
    for (const auto& e : fs::directory_iterator(mask_dir))
      if (e.is_regular_file() && is_image_file(e.path())) masks_by_stem[e.path().stem().string()] = e.path();
    for (const auto& e : fs::directory_iterator(image_dir)) {
      if (!e.is_regular_file() || !is_image_file(e.path())) continue;
      auto mask = masks_by_stem.find(e.path().stem().string());
      if (mask == masks_by_stem.end())
        throw crackkd::Error("dataset folder: no mask for " + e.path().string() + " in " + mask_dir.string());
      pairs_.push_back({e.path(), mask->second});
    }
    if (pairs_.empty()) throw crackkd::Error("dataset folder: no images in " + image_dir.string());
    std::sort(pairs_.begin(), pairs_.end(), [](const Pair& a, const Pair& b) { return a.image < b.image; });
    crack_from_ = crack_threshold(options.mask_values, mask_dir);
    if (options.cache) fill_cache(options, image_dir);
  }

  /// Names, sizes and modification times of the files: a changed folder reruns its stages.
  static std::string input_fingerprint(const Options& options) {
    std::vector<std::string> entries;
    for (const auto& sub : {options.images, options.masks}) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(fs::path(options.root) / sub, ec)) {
        if (!e.is_regular_file(ec)) continue;
        entries.push_back(sub + "/" + e.path().filename().string() + " " + std::to_string(e.file_size(ec)) + " " +
                          std::to_string(e.last_write_time(ec).time_since_epoch().count()));
      }
    }
    std::sort(entries.begin(), entries.end());
    std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
    for (const auto& line : entries)
      for (unsigned char c : line + "\n") h = (h ^ c) * 0x100000001b3ull;
    return std::to_string(entries.size()) + " files " + std::to_string(h);
  }

  std::size_t size() const override { return pairs_.size(); }

  crackkd::Sample get(std::size_t index) const override {
    if (index >= pairs_.size())
      throw crackkd::Error("dataset folder: index " + std::to_string(index) + " past " + std::to_string(pairs_.size()));
    // to_sample makes new tensors: a transform that writes in place never reaches the cache.
    return to_sample(index < cache_.size() ? cache_[index] : decode(index), index);
  }

 private:
  struct Pair {
    fs::path image;
    fs::path mask;
  };

  /// One image as decoded: 8-bit RGB 3xHxW and its mask 1xHxW in {0, 1}.
  struct Decoded {
    at::Tensor image;
    at::Tensor mask;
    std::uint64_t bytes() const { return image.nbytes() + mask.nbytes(); }
  };

  /// The lowest mask value that is crack, for `mask_values` ("auto": see the file's header).
  std::uint8_t crack_threshold(const std::string& mask_values, const fs::path& mask_dir) const {
    if (mask_values == "0/255") return 128;
    if (mask_values != "auto") return 1;
    const std::size_t probes = std::min<std::size_t>(32, pairs_.size());
    const fs::path* binary = nullptr;  // a mask whose largest value is 1, and one above 1
    const fs::path* full = nullptr;
    for (std::size_t k = 0; k < probes; ++k) {
      const fs::path& file = pairs_[k * pairs_.size() / probes].mask;
      const cv::Mat mask = cv::imread(file.string(), cv::IMREAD_GRAYSCALE);
      if (mask.empty()) throw crackkd::Error("dataset folder: cannot read mask " + file.string());
      double largest = 0;
      cv::minMaxLoc(mask, nullptr, &largest);
      if (largest == 1) binary = &file;
      else if (largest > 1) full = &file;
    }
    if (binary && full)
      throw crackkd::Error("dataset folder: the masks of " + mask_dir.string() + " mix 0/1 (" + binary->string() +
                           ") and 0/255 (" + full->string() + "); set mask_values");
    if (!binary) return 128;
    std::clog << "dataset folder: the masks of " << mask_dir.string() << " hold 0 and 1: crack = 1 (set mask_values "
              << "to choose)" << std::endl;
    return 1;
  }

  void fill_cache(const Options& options, const fs::path& image_dir) {
    const std::uint64_t budget = options.cache_mb >= 0 ? static_cast<std::uint64_t>(options.cache_mb) << 20
                                                       : available_memory_bytes() / 2;
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

  Decoded decode(std::size_t index) const {
    const Pair& p = pairs_[index];
    cv::Mat bgr = cv::imread(p.image.string(), cv::IMREAD_COLOR);
    if (bgr.empty()) throw crackkd::Error("dataset folder: cannot read image " + p.image.string());
    cv::Mat mask = cv::imread(p.mask.string(), cv::IMREAD_GRAYSCALE);
    if (mask.empty()) throw crackkd::Error("dataset folder: cannot read mask " + p.mask.string());
    if (mask.size() != bgr.size())
      throw crackkd::Error("dataset folder: mask 1x" + std::to_string(mask.rows) + "x" + std::to_string(mask.cols) +
                           " does not match image 3x" + std::to_string(bgr.rows) + "x" + std::to_string(bgr.cols) +
                           " in " + p.mask.string());
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);  // imread's Mats are continuous, as from_blob needs
    const auto pixels = at::from_blob(rgb.data, {rgb.rows, rgb.cols, 3}, at::kByte);
    const auto gray = at::from_blob(mask.data, {1, mask.rows, mask.cols}, at::kByte);
    // Both copy out of the Mats, which die here.
    return {pixels.permute({2, 0, 1}).contiguous(), gray.ge(crack_from_).to(at::kByte)};
  }

  std::vector<Pair> pairs_;
  std::vector<Decoded> cache_;  ///< images 0 … cache_.size()-1; filled once, then only read
  std::uint8_t crack_from_ = 128;  ///< mask values from this up are crack
};

}  // namespace

CRACKKD_PLUGIN(dataset, folder, FolderDataset,
               "Image/mask pairs from root/images and root/masks (same names, any size, 0/255 or 0/1 masks)")
