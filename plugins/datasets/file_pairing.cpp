#include "file_pairing.hpp"

#include <crackkd/error.hpp>

#include <algorithm>
#include <map>

namespace crackkd::datasets {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kListed = 5;  // names shown per kind of problem; the rest are counted

bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

/// "a, b, c and 4 more `noun`s", naming the first kListed.
std::string listing(const std::vector<fs::path>& files, const std::string& noun) {
  std::string text;
  for (std::size_t i = 0; i < std::min(files.size(), kListed); ++i) text += (i ? ", " : "") + files[i].string();
  if (files.size() > kListed) text += " and " + std::to_string(files.size() - kListed) + " more " + noun + "s";
  return text;
}

/// Files of `dir` by the name they pair on (stem, less `suffix` for masks); a second file
/// with a name already taken goes to `clashes`, and a mask without the suffix to `stray`.
std::map<std::string, fs::path> files_by_key(const fs::path& dir, const std::string& suffix,
                                             std::vector<fs::path>& clashes, std::vector<fs::path>& stray) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && is_image_file(e.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::map<std::string, fs::path> by_key;
  for (const auto& file : files) {
    const std::string stem = file.stem().string();
    if (!ends_with(stem, suffix)) {
      stray.push_back(file);
      continue;
    }
    if (!by_key.emplace(stem.substr(0, stem.size() - suffix.size()), file).second) clashes.push_back(file);
  }
  return by_key;
}

/// The suffix the unpaired masks' names add to an unpaired image's name, when one does.
std::string suggested_suffix(const std::vector<fs::path>& images, const std::vector<fs::path>& masks) {
  for (const auto& image : images)
    for (const auto& mask : masks) {
      const std::string i = image.stem().string(), m = mask.stem().string();
      if (m.size() > i.size() && m.compare(0, i.size(), i) == 0) return m.substr(i.size());
    }
  return "";
}

}  // namespace

bool is_image_file(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* known : {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".pgm", ".ppm", ".pbm", ".webp"})
    if (ext == known) return true;
  return false;
}

std::vector<FilePair> pair_files(const fs::path& image_dir, const fs::path& mask_dir, const std::string& mask_suffix) {
  std::vector<fs::path> clashes, unpaired_masks, no_suffix;
  const auto images = files_by_key(image_dir, "", clashes, no_suffix);
  if (images.empty()) throw Error("dataset folder: no images in " + image_dir.string());
  auto masks = files_by_key(mask_dir, mask_suffix, clashes, unpaired_masks);
  std::vector<FilePair> pairs;
  std::vector<fs::path> unpaired_images;
  for (const auto& [key, image] : images) {
    const auto mask = masks.find(key);
    if (mask == masks.end()) {
      unpaired_images.push_back(image);
      continue;
    }
    pairs.push_back({image, mask->second});
    masks.erase(mask);
  }
  for (const auto& [key, mask] : masks) unpaired_masks.push_back(mask);
  std::sort(unpaired_masks.begin(), unpaired_masks.end());
  std::vector<std::string> problems;
  if (!unpaired_images.empty())
    problems.push_back("no mask for " + listing(unpaired_images, "image") + " in " + mask_dir.string() +
                       " (a mask is named like its image + mask_suffix \"" + mask_suffix + "\", any extension)");
  if (!unpaired_masks.empty())
    problems.push_back("no image for " + listing(unpaired_masks, "mask") + " in " + image_dir.string());
  if (!clashes.empty()) problems.push_back("two files share one name: " + listing(clashes, "file"));
  if (problems.empty()) return pairs;
  std::string message = "dataset folder: " + problems[0];
  for (std::size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i];
  if (const auto suffix = suggested_suffix(unpaired_images, unpaired_masks); !suffix.empty() && suffix != mask_suffix)
    message += "; the masks look named like their images + \"" + suffix + "\": set mask_suffix = \"" + suffix + "\"";
  throw Error(message);
}

}  // namespace crackkd::datasets
