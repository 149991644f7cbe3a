// `crackkd measure MASKS… --out DIR`: cracks measured on masks that came from anywhere (a
// colleague's annotation, another model, `crackkd infer`), through the code `crackkd
// infer` measures with (measurement/crack_objects.hpp): summary.csv, a row per image,
// cracks.csv, a row per crack (measurement/crack_table.hpp), and per image
// <name>_cracks.geojson and <name>_cracks.dxf (measurement/crack_files.hpp). Masks are
// read as the folder dataset reads them (crackkd/mask_convention.hpp: 0/255, 0/1, label,
// 16-bit, colour); with --probability the files are probability maps (`infer`'s
// <name>_probability.png, 8- or 16-bit grey: value / full scale), cracks are where they
// exceed --threshold and the widths come from the maps to a fraction of a pixel. The scale
// (app/photo_scales.hpp) is --mm-per-px, a --scale-file, or a marker found in each mask's
// photo (--marker-mm with --photos); a mask's photo is named like it, less --mask-suffix. A file that cannot be read is named and skipped, the
// rest are measured, and the exit code is then 1, as it is when a photo's scale was asked
// for and not found; a mask without crack is a row of zeros.

#include "app/commands.hpp"
#include "app/photo_files.hpp"
#include "app/photo_scales.hpp"
#include "io/csv_writer.hpp"
#include "measurement/crack_files.hpp"
#include "measurement/crack_objects.hpp"
#include "measurement/crack_table.hpp"

#include <crackkd/error.hpp>
#include <crackkd/file_pairing.hpp>
#include <crackkd/mask_convention.hpp>

#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <set>

namespace crackkd::app {

namespace {

namespace fs = std::filesystem;
constexpr const char* kMeasureWho = "measure";

/// A probability map from an 8- or 16-bit grey file, in [0, 1]; empty when unreadable.
cv::Mat read_probability(const fs::path& file) {
  cv::Mat raw;
  try {
    raw = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    return {};
  }
  if (raw.empty()) return {};
  if (raw.channels() != 1 || (raw.depth() != CV_8U && raw.depth() != CV_16U))
    throw Error(std::string(kMeasureWho) + ": " + file.string() + " is not a probability map: --probability takes 8- or 16-bit "
                "grey images (infer's <name>_probability.png), this one has " + std::to_string(raw.channels()) +
                " channels of " + (raw.depth() == CV_8U ? "8" : raw.depth() == CV_16U ? "16" : "other") + " bits");
  cv::Mat p;
  raw.convertTo(p, CV_32F, 1.0 / (raw.depth() == CV_16U ? 65535.0 : 255.0));
  return p;
}

/// The crack pixels of a mask file; empty when it cannot be read as an image.
cv::Mat read_crack_mask(const fs::path& file, const MaskRule& rule) {
  try {
    return crack_pixels(read_mask_level(file, {}, kMeasureWho), rule);
  } catch (const Error&) {
    return {};
  } catch (const cv::Exception&) {
    return {};
  }
}

/// The rule that tells crack in these masks, read off them unless --mask-values says
/// (files no image reader knows are left to be named as unreadable, one by one).
MaskRule rule_of(const MeasureArgs& args, const std::vector<fs::path>& files) {
  MaskOptions o;
  o.values = args.mask_values;
  std::vector<fs::path> readable;
  for (const auto& f : files)
    if (cv::haveImageReader(f.string())) readable.push_back(f);
  const std::string where = files.size() == 1 ? files[0].parent_path().string() : "the inputs";
  return mask_rule(readable.empty() ? files : readable, o, where, kMeasureWho);
}

std::vector<std::string> summary_header(bool mm) {
  std::vector<std::string> h{"image",  "width",     "height",        "crack_area_px", "crack_fraction",
                             "cracks", "length_px", "mean_width_px", "max_width_px"};
  if (!mm) return h;
  h.insert(h.end(), {"crack_area_mm2", "length_mm", "mean_width_mm", "max_width_mm"});
  for (const auto& c : PhotoScales::summary_columns()) h.push_back(c);
  return h;
}

void add_summary_row(io::CsvWriter& summary, bool mm, const fs::path& file, const cv::Mat& mask,
                     const measurement::CrackTotals& t, const measurement::PhotoScale& scale) {
  using W = io::CsvWriter;
  const double fraction = static_cast<double>(t.area_px) / static_cast<double>(mask.total());
  std::vector<std::string> row{file.string(),   W::text(mask.cols),     W::text(mask.rows),
                               W::text(t.area_px), W::text(fraction),      W::text(t.cracks),
                               W::text(t.length_px), W::text(t.mean_width_px), W::text(t.max_width_px)};
  if (mm) {
    const double s = scale.mm_per_px;
    for (const double v : {static_cast<double>(t.area_px) * s * s, t.length_px * s, t.mean_width_px * s, t.max_width_px * s})
      row.push_back(scale.known() ? W::text(v) : "");
    for (auto& c : PhotoScales::summary_cells(scale)) row.push_back(std::move(c));
  }
  summary.row_of_texts(row);
}

/// The name of the photo a mask was drawn on: the mask's less --mask-suffix.
fs::path photo_name_of(const MeasureArgs& args, const fs::path& mask) {
  const std::string stem = mask.stem().string();
  const auto& suffix = args.mask_suffix;
  if (suffix.empty() || stem.size() <= suffix.size() || !file_pairing_detail::ends_with(stem, suffix)) return stem;
  return stem.substr(0, stem.size() - suffix.size());
}

/// The photos of --photos by name (the SDK's pairing, read once), when a marker is read off them.
std::map<std::string, fs::path> photos_by_name(const MeasureArgs& args) {
  if (args.photos.empty()) return {};
  std::vector<fs::path> clashes, stray;
  auto photos = file_pairing_detail::files_by_key(args.photos, "", clashes, stray);
  if (!clashes.empty())
    spdlog::warn("{}: {} has photos of one name in two formats; the first by name is used, not {}", kMeasureWho,
                 args.photos.string(), file_pairing_detail::listing(clashes, "photo"));
  return photos;
}

/// The photo a mask was drawn on, named like it (photo_name_of); empty when there is none
/// or it cannot be read (its scale then stays unknown, and says so).
cv::Mat photo_of(const std::map<std::string, fs::path>& photos, const fs::path& name) {
  const auto it = photos.find(name.string());
  return it == photos.end() ? cv::Mat() : cv::imread(it->second.string(), cv::IMREAD_COLOR);
}

void check_photos_folder(const MeasureArgs& args) {
  if (args.photos.empty() && args.scale.marker_mm > 0)
    throw Error(std::string(kMeasureWho) + ": --marker-mm reads the marker off the photos: give their folder with --photos");
  if (!args.photos.empty() && !(args.scale.marker_mm > 0))
    throw Error(std::string(kMeasureWho) + ": --photos " + args.photos.string() + " is only read with --marker-mm");
  if (!args.photos.empty() && !fs::is_directory(args.photos))
    throw Error(std::string(kMeasureWho) + ": --photos " + args.photos.string() + ": no such folder");
}

}  // namespace

int measure_command(const Common&, const MeasureArgs& args) {
  const auto files = collect_images(args.inputs, args.out, kMeasureWho);
  if (files.empty()) throw Error(std::string(kMeasureWho) + ": no mask images to measure");
  check_photos_folder(args);
  std::vector<fs::path> photo_names;
  for (const auto& f : files) photo_names.push_back(photo_name_of(args, f));
  PhotoScales scales(args.scale, photo_names, kMeasureWho);
  const auto photos = photos_by_name(args);
  std::optional<MaskRule> rule;
  if (!args.probability) rule = rule_of(args, files);
  fs::create_directories(args.out);
  const bool mm = scales.millimetres();
  io::CsvWriter summary(args.out / "summary.csv", summary_header(mm));
  io::CsvWriter cracks(args.out / "cracks.csv", measurement::crack_table_header(mm));
  measurement::CrackObjectOptions options;
  options.threshold = args.threshold, options.min_length_px = args.min_length;
  std::vector<std::string> skipped;
  std::set<std::string> stems;
  for (const auto& file : files) {
    cv::Mat mask, probability;
    if (args.probability) {
      probability = read_probability(file);
      if (!probability.empty()) mask = probability > args.threshold;
    } else {
      mask = read_crack_mask(file, *rule);
    }
    if (mask.empty()) {
      spdlog::error("{}: skipping {}: not a readable image", kMeasureWho, file.string());
      skipped.push_back(file.string());
      continue;
    }
    const auto name = photo_name_of(args, file);
    const auto scale = scales.of(file, name, scales.from_marker() ? photo_of(photos, name) : cv::Mat(), mask.size());
    measurement::erase_markers(mask, scale);  // a marker's black square is no crack
    const auto objects = measurement::crack_objects(mask, probability, options);
    for (const auto& row : measurement::crack_table_rows(file.string(), objects, mm, scale, args.scale.width_classes))
      cracks.row_of_texts(row);
    measurement::write_crack_files(args.out, unique_stem(file, stems), file.string(), mask.size(), objects, scale);
    const auto totals = measurement::totals_of(mask, objects);
    add_summary_row(summary, mm, file, mask, totals, scale);
    spdlog::info("{}: {}: {} crack{}, {:.1f} px long, widest {:.2f} px", kMeasureWho, file.string(), totals.cracks,
                 totals.cracks == 1 ? "" : "s", totals.length_px, totals.max_width_px);
  }
  summary.commit();
  cracks.commit();
  std::cout << "measure: " << files.size() - skipped.size() << " of " << files.size() << " masks -> "
            << (args.out / "summary.csv").string() << ", " << (args.out / "cracks.csv").string() << std::endl;
  const int unscaled = scales.unscaled_exit_code();
  return std::max(exit_code_naming(skipped, "mask"), unscaled);
}

}  // namespace crackkd::app
