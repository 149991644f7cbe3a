#pragma once
// `crackkd infer --reference MASKS`: the photos `infer` segments scored against their
// masks with the evaluate stage's code (metrics/image_measures.hpp, dataset_measures.hpp,
// evaluation/measure_columns.hpp), so a user's own annotated photos give the figures a
// pipeline's evaluate stage would: per_image.csv (one row per photo) and scores.csv (the
// set's figures with their 95 % bootstrap intervals over photos) beside summary.csv.
// Masks pair with photos by name and are read in any convention dataset.folder reads
// (crackkd/file_pairing.hpp, crackkd/mask_convention.hpp); every photo needs its mask
// (checked before the model runs), masks without a photo are left alone. The photo is
// segmented upright (its EXIF orientation applied), so its mask must be drawn on the
// upright photo; a mask of any other size is an error naming both sizes.

#include "app/commands.hpp"
#include "metrics/image_measures.hpp"

#include <crackkd/mask_convention.hpp>

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace crackkd::app {

class ReferenceScoring {
 public:
  /// Pairs every photo with its mask in args.reference and settles the masks' convention.
  ReferenceScoring(const InferArgs& args, const std::vector<std::filesystem::path>& photos);

  /// Scores `probability` (HxW, in [0, 1]) of `photo` at `threshold` against its mask.
  void score(const std::filesystem::path& photo, const at::Tensor& probability, double threshold);

  /// Writes per_image.csv and scores.csv into args.out and logs the main figures.
  void write(const std::string& model_file, double threshold, const std::string& threshold_from) const;

 private:
  const InferArgs& args_;
  std::map<std::filesystem::path, std::filesystem::path> mask_of_;
  MaskOptions mask_options_;
  MaskRule rule_;
  metrics::MeasureOptions measure_options_;
  std::vector<std::string> photos_;
  std::vector<metrics::ImageMeasures> records_;
};

}  // namespace crackkd::app
