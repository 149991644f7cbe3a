#pragma once
// The device check's findings: one row per check, grouped in sections, written as the
// Markdown report check.sh leaves behind (and docs/benchmarks.md quotes).

#include <string>
#include <vector>

namespace crackkd::device_check {

struct Finding {
  std::string section;  ///< "Models on the device", "Inference at 448x448", …
  std::string check;    ///< what was run, e.g. "PCT forward+backward, batch 2, 128x128"
  std::string figure;   ///< what was measured, e.g. "logits 3.1e-06, gradients 2.4e-05"
  bool passed = true;   ///< false: the check failed; the script exits 1
  std::string note;     ///< why a check was skipped or how to read the figure
};

class Report {
 public:
  void add(Finding finding);
  /// A check that threw: its row says what it said, and it counts as failed.
  void add_failure(const std::string& section, const std::string& check, const std::string& what);
  bool all_passed() const;
  std::size_t failures() const;
  /// `title` and `context` (device, LibTorch, …) head a table per section.
  std::string markdown(const std::string& title, const std::vector<std::string>& context) const;

 private:
  std::vector<Finding> findings_;
};

}  // namespace crackkd::device_check
