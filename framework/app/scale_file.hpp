#pragma once
// A per-photo scale file, as inspectors log their distances: a CSV with a header naming a
// `photo` (or `image`) column and an `mm_per_px` column, other columns ignored, a row per
// photo. A photo is matched by its name without extension: "IMG_0412.jpg" and "IMG_0412"
// in the file both name IMG_0412.jpg, and its mask IMG_0412.png (`crackkd measure` strips
// --mask-suffix first); a path in the column is matched by its last part. Excel's byte
// order mark and spaces around fields are tolerated.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace crackkd::app {

class ScaleFile {
 public:
  /// Reads `file`; throws crackkd::Error naming the file (and line, column and value) when
  /// it cannot be read, lacks a column, or a scale is not a positive number or a photo is
  /// listed twice.
  explicit ScaleFile(std::filesystem::path file);

  /// The scale listed for the photo named `name` (extension and folder ignored), if listed.
  std::optional<double> mm_per_px(const std::filesystem::path& name) const;

  /// The names listed that match none of `names` (a typo, or a photo not given).
  std::vector<std::string> unmatched(const std::vector<std::filesystem::path>& names) const;

  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::map<std::string, double> scales_;  ///< by the listed photo's name without extension
};

}  // namespace crackkd::app
