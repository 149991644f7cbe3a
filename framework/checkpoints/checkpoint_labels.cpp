#include "checkpoints/checkpoint_labels.hpp"

#include <crackkd/error.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

namespace crackkd::checkpoints {

namespace fs = std::filesystem;

namespace {

/// The last `parts` components of `file`, the extension dropped ("train/best" for 2).
std::string path_tail(const fs::path& file, std::size_t parts) {
  std::vector<std::string> names{file.stem().string()};
  for (fs::path p = file.parent_path(); names.size() < parts && !p.empty() && p != p.root_path(); p = p.parent_path())
    names.insert(names.begin(), p.filename().string());
  std::string tail;
  for (const auto& n : names) tail += (tail.empty() ? "" : "/") + n;
  return tail;
}

const SourceLocation& where_of(const pipeline::StageConfig& stage, const std::string& key, std::size_t index) {
  const Value& v = stage.params.at(key);
  return index < v.array.size() ? v.array[index].where : v.where;
}

/// Tails of the files, each lengthened until no other file's tail or model name equals it.
std::vector<std::string> derived_labels(const std::vector<std::string>& files, const std::vector<std::string>& models) {
  std::vector<std::size_t> parts(files.size(), 2);
  std::vector<std::string> labels(files.size());
  for (bool clash = true; clash;) {
    clash = false;
    for (std::size_t i = 0; i < files.size(); ++i) labels[i] = path_tail(fs::absolute(files[i]), parts[i]);
    for (std::size_t i = 0; i < files.size(); ++i) {
      const bool shared = std::count(labels.begin(), labels.end(), labels[i]) > 1 ||
                          std::find(models.begin(), models.end(), labels[i]) != models.end();
      if (shared && path_tail(fs::absolute(files[i]), parts[i] + 1) != labels[i]) {
        ++parts[i];
        clash = true;
      }
    }
  }
  return labels;
}

}  // namespace

std::vector<std::string> checkpoint_labels(const pipeline::StageConfig& stage, const std::vector<std::string>& files,
                                           const std::vector<std::string>& labels,
                                           const std::vector<std::string>& models) {
  const std::string prefix = "stages." + stage.name + ".";
  std::set<fs::path> seen;
  for (std::size_t i = 0; i < files.size(); ++i)
    if (!seen.insert(fs::weakly_canonical(fs::absolute(files[i]))).second)
      throw ConfigError(where_of(stage, "checkpoints", i),
                        prefix + "checkpoints[" + std::to_string(i) + "]: " + files[i] + " is given twice");
  if (!labels.empty() && labels.size() != files.size())
    throw ConfigError(where_of(stage, "labels", labels.size()),
                      prefix + "labels: " + std::to_string(labels.size()) + " labels for " +
                          std::to_string(files.size()) + " checkpoint files: give one per file, or none");
  const auto result = labels.empty() ? derived_labels(files, models) : labels;
  for (std::size_t i = 0; i < result.size(); ++i) {
    const bool twice = std::find(result.begin(), result.begin() + static_cast<std::ptrdiff_t>(i), result[i]) !=
                       result.begin() + static_cast<std::ptrdiff_t>(i);
    const bool a_model = std::find(models.begin(), models.end(), result[i]) != models.end();
    if (!labels.empty() && (twice || a_model))
      throw ConfigError(where_of(stage, "labels", i),
                        prefix + "labels[" + std::to_string(i) + "]: '" + result[i] + "' " +
                            (a_model ? "is also a model of `models`" : "is used twice") +
                            ": rows of one label are read as seeds of one model");
  }
  return result;
}

}  // namespace crackkd::checkpoints
