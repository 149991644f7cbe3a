#include "app/photo_files.hpp"

#include <crackkd/error.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <set>

namespace crackkd::app {

namespace fs = std::filesystem;

bool is_image_name(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::set<std::string> known{".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"};
  return known.count(ext) > 0;
}

namespace {

/// Whether `file` lies in `folder` or below it (paths resolved, whether or not they exist).
bool lies_in(const fs::path& file, const fs::path& folder) {
  std::error_code ec;
  const auto f = fs::weakly_canonical(file, ec), d = fs::weakly_canonical(folder, ec);
  const auto [end, _] = std::mismatch(d.begin(), d.end(), f.begin(), f.end());
  return end == d.end();
}

/// A folder's images, sorted by name. An entry that cannot be read (a symlink loop, a
/// dangling link) is skipped, named, so that the good photos still run.
std::vector<fs::path> images_in(const fs::path& folder, const std::string& who) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (!is_image_name(it->path())) continue;
    std::error_code entry_error;
    if (it->is_regular_file(entry_error)) found.push_back(it->path());
    else if (entry_error) spdlog::warn("{}: skipping {}: {}", who, it->path().string(), entry_error.message());
  }
  if (ec) throw Error(who + ": cannot read folder " + folder.string() + ": " + ec.message());
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

std::vector<fs::path> collect_images(const std::vector<fs::path>& inputs, const fs::path& out, const std::string& who) {
  std::vector<fs::path> photos;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      if (lies_in(input, out))
        throw Error(who + ": --out " + out.string() + " holds the input folder " + input.string() +
                    ": its results would be read as inputs next time; write them to another folder");
      const auto found = images_in(input, who);
      if (found.empty()) spdlog::warn("{}: no images in folder {}", who, input.string());
      photos.insert(photos.end(), found.begin(), found.end());
    } else if (fs::exists(input, ec)) {
      if (lies_in(input, out)) spdlog::warn("{}: skipping {}: it lies in --out, with the results", who, input.string());
      else photos.push_back(input);
    } else {
      throw Error(who + ": no such file or folder: " + input.string() + (ec ? " (" + ec.message() + ")" : ""));
    }
  }
  return photos;
}

std::string unique_stem(const fs::path& file, std::set<std::string>& used) {
  std::string name = file.stem().string();
  for (int n = 2; used.count(name); ++n) name = file.stem().string() + "_" + std::to_string(n);
  used.insert(name);
  return name;
}

int exit_code_naming(const std::vector<std::string>& skipped, const std::string& what) {
  if (skipped.empty()) return 0;
  std::string names;
  for (const auto& s : skipped) names += (names.empty() ? "" : ", ") + s;
  std::cerr << "error: " << skipped.size() << " unreadable " << what << (skipped.size() > 1 ? "s" : "") << " skipped: " << names
            << std::endl;
  return 1;
}

}  // namespace crackkd::app
