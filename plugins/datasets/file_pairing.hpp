#pragma once
// How dataset.folder pairs images with masks: by name, whatever the extensions. A mask's
// stem is its image's stem plus `mask_suffix` ("" for masonry224's a.png ↔ a.png, "_mask"
// for a.jpg ↔ a_mask.png, "_GT" for DeepCrack-style a.jpg ↔ a_GT.bmp). Everything that
// does not pair is reported in one error: the first few names of each kind, then a count.

#include <filesystem>
#include <string>
#include <vector>

namespace crackkd::datasets {

struct FilePair {
  std::filesystem::path image;
  std::filesystem::path mask;
};

/// Whether OpenCV reads `file` as an image here (by extension, any case).
bool is_image_file(const std::filesystem::path& file);

/// The pairs of `image_dir` and `mask_dir`, sorted by image path. Throws crackkd::Error
/// naming an image folder without images, or at once: images without a mask ("no mask
/// for …"), masks without an image ("no image for …") and two files of one folder with
/// the same name (a.png and a.jpg); when the masks' names look like the images' plus a
/// suffix, the error suggests that mask_suffix.
std::vector<FilePair> pair_files(const std::filesystem::path& image_dir, const std::filesystem::path& mask_dir,
                                 const std::string& mask_suffix);

}  // namespace crackkd::datasets
