#pragma once
// Which scale each photo has, from the one source the command line names: --mm-per-px
// (every photo), --scale-file (a CSV of photo and mm per pixel, app/scale_file.hpp) or
// --marker-mm (a printed ArUco marker in the photo, measurement/marker_scale.hpp). A photo
// whose source has no scale for it (not listed, no marker found, a marker seen at too
// steep an angle) is measured in pixels, its millimetre cells left empty and the reason in
// its scale_source; the command names those photos at the end and exits with 1.

#include "measurement/photo_scale.hpp"

#include <opencv2/core.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace crackkd::app {

struct ScaleArgs;
class ScaleFile;

class PhotoScales {
 public:
  /// Checks the options and reads the scale file (warning of names it lists that match
  /// none of `photo_names`); throws crackkd::Error naming the option, file or value.
  PhotoScales(const ScaleArgs& args, const std::vector<std::filesystem::path>& photo_names, std::string who);
  ~PhotoScales();

  /// Whether a scale was asked for: the tables then have millimetre columns.
  bool millimetres() const;
  /// Whether the scale is read off the photo itself (a marker), which then must be given.
  bool from_marker() const;

  /// The scale of `image` (a photo or its mask, as named in messages, `measured` pixels),
  /// looked up in a scale file by `photo_name`; `photo` is the picture a marker is looked
  /// for in (only read with --marker-mm; a photo of another size than the mask gives no
  /// scale, since its pixels are not the mask's). Images left without a scale are
  /// remembered for unscaled_exit_code().
  measurement::PhotoScale of(const std::filesystem::path& image, const std::filesystem::path& photo_name,
                             const cv::Mat& photo, cv::Size measured);

  /// 0 when every photo measured has its scale; else 1, after a line on stderr naming
  /// the photos without one and why.
  int unscaled_exit_code() const;

  /// The summary.csv columns that state a photo's scale, and their values.
  static std::vector<std::string> summary_columns();
  static std::vector<std::string> summary_cells(const measurement::PhotoScale& scale);

 private:
  const ScaleArgs& args_;
  std::string who_;
  std::unique_ptr<ScaleFile> file_;
  std::vector<std::string> unscaled_;
};

}  // namespace crackkd::app
