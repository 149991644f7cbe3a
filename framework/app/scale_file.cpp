#include "app/scale_file.hpp"

#include "app/photo_files.hpp"
#include "report/csv_table.hpp"

#include <crackkd/error.hpp>

#include <cmath>
#include <cstdlib>

namespace crackkd::app {

namespace {

namespace fs = std::filesystem;

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

/// The column among `names` the header has; throws naming the file and what it found.
std::size_t column_of(const report::CsvTable& t, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (t.has_column(n)) return t.column(n);
  std::string found;
  for (const auto& h : t.header) found += (found.empty() ? "'" : ", '") + h + "'";
  const bool semicolons = t.header.size() == 1 && t.header[0].find(';') != std::string::npos;
  throw Error("--scale-file " + t.file.string() + ": no column '" + names[0] + "'" +
              (names.size() > 1 ? " (or '" + names[1] + "')" : std::string()) + "; the header has " + found +
              (semicolons ? " (separate the columns with commas, not semicolons)" : ""));
}

/// A listed photo's key: its last part, less an image extension ("site/IMG_1.jpg" -> "IMG_1").
std::string key_of(const std::string& listed) {
  const fs::path name = fs::path(listed).filename();
  return (is_image_name(name) ? name.stem() : name).string();
}

}  // namespace

ScaleFile::ScaleFile(fs::path file) : file_(std::move(file)) {
  if (!fs::is_regular_file(file_)) throw Error("--scale-file " + file_.string() + ": no such file");
  auto table = report::read_csv(file_);
  if (!table.header.empty() && table.header[0].rfind("\xEF\xBB\xBF", 0) == 0) table.header[0].erase(0, 3);
  for (auto& h : table.header) h = trimmed(h);
  const std::size_t name_column = column_of(table, {"photo", "image"}), scale_column = column_of(table, {"mm_per_px"});
  std::map<std::string, std::size_t> line_of;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const std::string where = "--scale-file " + file_.string() + ":" + std::to_string(table.lines[r]);
    const std::string listed = trimmed(table.rows[r][name_column]), name = key_of(listed);
    const std::string text = trimmed(table.rows[r][scale_column]);
    if (name.empty()) throw Error(where + ": no photo named");
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(value) || value <= 0)
      throw Error(where + ": mm_per_px '" + text + "' of " + listed + " is not a positive number");
    if (const auto seen = line_of.find(name); seen != line_of.end())
      throw Error(where + ": " + listed + " names a photo listed before (lines " + std::to_string(seen->second) + " and " +
                  std::to_string(table.lines[r]) + ")");
    line_of[name] = table.lines[r];
    scales_[name] = value;
  }
  if (scales_.empty()) throw Error("--scale-file " + file_.string() + ": no photos listed");
}

std::optional<double> ScaleFile::mm_per_px(const fs::path& name) const {
  if (const auto it = scales_.find(key_of(name.string())); it != scales_.end()) return it->second;
  return std::nullopt;
}

std::vector<std::string> ScaleFile::unmatched(const std::vector<fs::path>& names) const {
  std::vector<std::string> left;
  for (const auto& [key, scale] : scales_) {
    bool matched = false;
    for (const auto& n : names) matched = matched || key == key_of(n.string());
    if (!matched) left.push_back(key);
  }
  return left;
}

}  // namespace crackkd::app
