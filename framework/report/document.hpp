#pragma once
// A Markdown document with numbered tables and figures, written beside its figures.

#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace crackkd::report {

struct LinePlot;

/// A Markdown report built section by section (the report stage's report.md), its tables
/// and figures numbered, its figures' files in its folder.
class Document {
 public:
  explicit Document(std::filesystem::path folder) : folder_(std::move(folder)) {}
  std::ostringstream md;

  void table(const std::string& caption, const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows);
  /// Draws `plot` into the report's folder as `file` and shows it.
  void plot(const std::string& file, const LinePlot& plot, const std::string& caption);
  void figure(const std::string& file, const std::string& caption);
  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
  int tables_ = 0, figures_ = 0;
};

}  // namespace crackkd::report
