// dataset.folder: image/mask pairs from a folder, the layout of masonry224 and of most
// crack datasets.
//
//   root/images/<name>.png|jpg|jpeg|bmp|tif   RGB photos of any size
//   root/masks/<name>.png|…                   8-bit masks of the same size, crack >= 128
//
//   [datasets.train]
//   plugin = "folder"
//   root   = "${CRACKKD_DATA:-../shared/data}/masonry224/train"
//   cache  = true            # decode every image once, up front (errors surface before training)
//
// A missing mask, a mask whose size differs from its image, an unreadable file or an
// empty folder is an error naming the file.

#include "image_tensor.hpp"

#include <crackkd/dataset.hpp>
#include <crackkd/plugin.hpp>

#include <ATen/ATen.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>

namespace {

namespace fs = std::filesystem;

struct FolderDatasetOptions {
  std::string root;
  std::string images = "images";
  std::string masks = "masks";
  bool cache = true;
  static void declare(crackkd::OptionSchema<FolderDatasetOptions>& s) {
    s.required("root", &FolderDatasetOptions::root, "folder holding the image and mask folders");
    s.optional("images", &FolderDatasetOptions::images, "image folder, relative to root");
    s.optional("masks", &FolderDatasetOptions::masks, "mask folder, relative to root; masks share the image's name");
    s.optional("cache", &FolderDatasetOptions::cache,
               "decode all images when the dataset is opened and keep them in memory");
  }
};

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
    if (options.cache) {
      cache_.reserve(pairs_.size());
      for (std::size_t i = 0; i < pairs_.size(); ++i) cache_.push_back(decode(i));
    }
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
    if (cache_.empty()) return decode(index);
    // Copies: a transform that writes in place must never reach the cache.
    const auto& cached = cache_[index];
    return {cached.image.clone(), cached.mask.clone(), cached.id};
  }

 private:
  struct Pair {
    fs::path image;
    fs::path mask;
  };

  crackkd::Sample decode(std::size_t index) const {
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
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return {crackkd::plugins::rgb_to_tensor(rgb), crackkd::plugins::mask_to_tensor(mask), p.image.string()};
  }

  std::vector<Pair> pairs_;
  std::vector<crackkd::Sample> cache_;
};

}  // namespace

CRACKKD_PLUGIN(dataset, folder, FolderDataset,
               "Image/mask pairs from root/images and root/masks (same names, any size, mask >= 128 is crack)")
