#pragma once
// How CrackKD pairs photos with masks: by name, whatever the extensions (dataset.folder, and
// `crackkd infer --reference`; here so that both share one rule). A mask's stem is its
// image's stem plus `mask_suffix` ("" for masonry224's a.png <-> a.png, "_mask" for a.jpg <->
// a_mask.png, "_GT" for DeepCrack-style a.jpg <-> a_GT.bmp). Everything that does not pair
// is reported in one error: the first few names of each kind, then a count. Header-only;
// `who` ("dataset folder") begins every message, `suffix_name` names the setting
// ("mask_suffix", "--mask-suffix").

#include <crackkd/error.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace crackkd {

struct FilePair {
  std::filesystem::path image;
  std::filesystem::path mask;
};

/// Whether OpenCV reads `file` as an image here (by extension, any case).
inline bool is_image_file(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* known : {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".pgm", ".ppm", ".pbm", ".webp"})
    if (ext == known) return true;
  return false;
}

namespace file_pairing_detail {

inline constexpr std::size_t kListed = 5;  // names shown per kind of problem; the rest are counted

inline bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

/// "a, b, c and 4 more `noun`s", naming the first kListed.
inline std::string listing(const std::vector<std::filesystem::path>& files, const std::string& noun) {
  std::string text;
  for (std::size_t i = 0; i < std::min(files.size(), kListed); ++i) text += (i ? ", " : "") + files[i].string();
  if (files.size() > kListed) text += " and " + std::to_string(files.size() - kListed) + " more " + noun + "s";
  return text;
}

/// Files of `dir` by the name they pair on (stem, less `suffix` for masks); a second file
/// with a name already taken goes to `clashes`, and a mask without the suffix to `stray`.
inline std::map<std::string, std::filesystem::path> files_by_key(const std::filesystem::path& dir,
                                                                 const std::string& suffix,
                                                                 std::vector<std::filesystem::path>& clashes,
                                                                 std::vector<std::filesystem::path>& stray) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && is_image_file(e.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::map<std::string, std::filesystem::path> by_key;
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
inline std::string suggested_suffix(const std::vector<std::filesystem::path>& images,
                                    const std::vector<std::filesystem::path>& masks) {
  for (const auto& image : images)
    for (const auto& mask : masks) {
      const std::string i = image.stem().string(), m = mask.stem().string();
      if (m.size() > i.size() && m.compare(0, i.size(), i) == 0) return m.substr(i.size());
    }
  return "";
}

}  // namespace file_pairing_detail

/// How pair_masks reports and what it requires.
struct PairingRules {
  std::string who = "dataset folder";
  std::string suffix_name = "mask_suffix";
  bool every_mask_used = true;  ///< a mask without its image is an error
};

/// Each of `images` (sorted by path) with its mask in `mask_dir`. Throws crackkd::Error at
/// once for images without a mask ("no mask for ..."), masks without an image ("no image
/// for ...", when `rules.every_mask_used`; `image_place` says where images were looked
/// for) and two masks of one name (a.png and a.jpg); when the masks' names look like the
/// images' plus a suffix, the error suggests it.
inline std::vector<FilePair> pair_masks(const std::vector<std::filesystem::path>& images, const std::string& image_place,
                                        const std::filesystem::path& mask_dir, const std::string& mask_suffix,
                                        const PairingRules& rules, std::vector<std::filesystem::path> clashes = {}) {
  using namespace file_pairing_detail;
  std::vector<std::filesystem::path> unpaired_masks, unpaired_images;
  auto masks = files_by_key(mask_dir, mask_suffix, clashes, unpaired_masks);
  std::map<std::string, std::filesystem::path> used;
  std::vector<FilePair> pairs;
  for (const auto& image : images) {
    const std::string key = image.stem().string();
    if (const auto mask = masks.find(key); mask != masks.end()) {
      pairs.push_back({image, mask->second});
      used.insert(*mask);
    } else if (const auto again = used.find(key); again != used.end()) {
      pairs.push_back({image, again->second});  // a second photo of that name, from another folder
    } else {
      unpaired_images.push_back(image);
    }
  }
  for (const auto& [key, mask] : masks)
    if (!used.count(key)) unpaired_masks.push_back(mask);
  std::sort(unpaired_masks.begin(), unpaired_masks.end());
  std::vector<std::string> problems;
  if (!unpaired_images.empty())
    problems.push_back("no mask for " + listing(unpaired_images, "image") + " in " + mask_dir.string() +
                       " (a mask is named like its image + " + rules.suffix_name + " \"" + mask_suffix +
                       "\", any extension)");
  if (rules.every_mask_used && !unpaired_masks.empty())
    problems.push_back("no image for " + listing(unpaired_masks, "mask") + " in " + image_place);
  if (!clashes.empty()) problems.push_back("two files share one name: " + listing(clashes, "file"));
  if (problems.empty()) return pairs;
  std::string message = rules.who + ": " + problems[0];
  for (std::size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i];
  if (const auto suffix = suggested_suffix(unpaired_images, unpaired_masks); !suffix.empty() && suffix != mask_suffix)
    message += "; the masks look named like their images + \"" + suffix + "\": set " + rules.suffix_name +
               (rules.suffix_name.rfind("--", 0) == 0 ? " " : " = ") + "\"" + suffix + "\"";
  throw Error(message);
}

/// The pairs of `image_dir` and `mask_dir`, sorted by image path: pair_masks over the
/// folder's images; an image folder without images and two images of one name are errors.
inline std::vector<FilePair> pair_files(const std::filesystem::path& image_dir, const std::filesystem::path& mask_dir,
                                        const std::string& mask_suffix, const PairingRules& rules = {}) {
  using namespace file_pairing_detail;
  std::vector<std::filesystem::path> clashes, no_suffix;
  const auto by_name = files_by_key(image_dir, "", clashes, no_suffix);
  if (by_name.empty()) throw Error(rules.who + ": no images in " + image_dir.string());
  std::vector<std::filesystem::path> images;
  for (const auto& [key, image] : by_name) images.push_back(image);
  return pair_masks(images, image_dir.string(), mask_dir, mask_suffix, rules, clashes);
}

}  // namespace crackkd
