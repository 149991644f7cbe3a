#include "app/photo_scales.hpp"

#include "app/commands.hpp"
#include "app/scale_file.hpp"
#include "measurement/marker_scale.hpp"
#include "measurement/width_classes.hpp"

#include <crackkd/error.hpp>

#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

namespace crackkd::app {

namespace {

namespace fs = std::filesystem;

measurement::MarkerOptions marker_options(const ScaleArgs& a) {
  return {a.marker_mm, a.marker_dictionary, a.marker_max_spread};
}

std::string fixed(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

}  // namespace

PhotoScales::PhotoScales(const ScaleArgs& args, const std::vector<fs::path>& photo_names, std::string who)
    : args_(args), who_(std::move(who)) {
  const int sources = (args.mm_per_px > 0) + !args.scale_file.empty() + (args.marker_mm != 0);
  if (sources > 1) throw Error(who_ + ": give one scale: --mm-per-px, --scale-file or --marker-mm");
  if (args.mm_per_px < 0) throw Error("--mm-per-px " + fixed(args.mm_per_px, 6) + ": must be positive");
  if (args.marker_mm != 0) measurement::check_marker_options(marker_options(args));
  measurement::check_width_classes(args.width_classes, "--width-classes");
  if (args.scale_file.empty()) return;
  file_ = std::make_unique<ScaleFile>(args.scale_file);
  const auto unmatched = file_->unmatched(photo_names);
  if (!unmatched.empty()) {
    std::string names;
    for (const auto& n : unmatched) names += (names.empty() ? "" : ", ") + n;
    spdlog::warn("{}: {} lists {} photo{} not among the inputs: {}", who_, args.scale_file.string(), unmatched.size(),
                 unmatched.size() == 1 ? "" : "s", names);
  }
}

PhotoScales::~PhotoScales() = default;

bool PhotoScales::millimetres() const { return args_.mm_per_px > 0 || file_ || args_.marker_mm > 0; }

bool PhotoScales::from_marker() const { return args_.marker_mm > 0; }

measurement::PhotoScale PhotoScales::of(const fs::path& image, const fs::path& photo_name, const cv::Mat& photo,
                                        cv::Size measured) {
  measurement::PhotoScale scale;
  if (args_.mm_per_px > 0) {
    scale = {args_.mm_per_px, "--mm-per-px", 0};
  } else if (file_) {
    const auto listed = file_->mm_per_px(photo_name);
    scale = listed ? measurement::PhotoScale{*listed, file_->file().string(), 0}
                   : measurement::PhotoScale{0, "not in " + file_->file().string(), 0};
  } else if (from_marker()) {
    if (photo.empty())
      scale.source = "its photo was not found or not readable, so no marker either";
    else if (photo.size() != measured)
      scale.source = "its photo is " + std::to_string(photo.cols) + "x" + std::to_string(photo.rows) + ", the mask " +
                     std::to_string(measured.width) + "x" + std::to_string(measured.height) +
                     ": the marker's scale is the photo's";
    else
      scale = measurement::marker_scale(photo, marker_options(args_));
  }
  if (millimetres() && !scale.known()) {
    spdlog::warn("{}: {}: no scale, measured in pixels only: {}", who_, image.string(), scale.source);
    unscaled_.push_back(image.string() + " (" + scale.source + ")");
  }
  return scale;
}

int PhotoScales::unscaled_exit_code() const {
  if (unscaled_.empty()) return 0;
  std::string names;
  for (const auto& n : unscaled_) names += (names.empty() ? "" : ", ") + n;
  std::cerr << "error: " << unscaled_.size() << " photo" << (unscaled_.size() == 1 ? " has" : "s have")
            << " no scale, measured in pixels only: " << names << std::endl;
  return 1;
}

std::vector<std::string> PhotoScales::summary_columns() { return {"mm_per_px", "scale_source", "scale_spread"}; }

std::vector<std::string> PhotoScales::summary_cells(const measurement::PhotoScale& s) {
  return {s.known() ? fixed(s.mm_per_px, 6) : "", s.source, s.spread > 0 ? fixed(s.spread, 4) : ""};
}

}  // namespace crackkd::app
