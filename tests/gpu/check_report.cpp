#include "check_report.hpp"

#include <iostream>
#include <sstream>

namespace crackkd::device_check {

namespace {

// Table cells hold no pipes or line breaks.
std::string cell(std::string text) {
  for (auto& c : text)
    if (c == '|' || c == '\n') c = c == '|' ? '/' : ' ';
  return text;
}

}  // namespace

void Report::add(Finding finding) {
  std::cerr << (finding.passed ? "  ok    " : "  FAIL  ") << finding.check << ": " << finding.figure
            << (finding.note.empty() ? "" : " (" + finding.note + ")") << "\n";
  findings_.push_back(std::move(finding));
}

void Report::add_failure(const std::string& section, const std::string& check, const std::string& what) {
  add({section, check, "error", false, what.substr(0, what.find('\n'))});
}

std::size_t Report::failures() const {
  std::size_t n = 0;
  for (const auto& f : findings_) n += f.passed ? 0 : 1;
  return n;
}

bool Report::all_passed() const { return failures() == 0; }

std::string Report::markdown(const std::string& title, const std::vector<std::string>& context) const {
  std::ostringstream out;
  out << "# " << title << "\n\n";
  for (const auto& line : context) out << "- " << line << "\n";
  out << "- Result: " << (all_passed() ? "all checks passed" : std::to_string(failures()) + " check(s) failed")
      << "\n";
  std::string section;
  for (const auto& f : findings_) {
    if (f.section != section) {
      section = f.section;
      out << "\n## " << section << "\n\n| check | figure | result | note |\n|---|---|---|---|\n";
    }
    out << "| " << cell(f.check) << " | " << cell(f.figure) << " | " << (f.passed ? "ok" : "**FAIL**") << " | "
        << cell(f.note) << " |\n";
  }
  return out.str();
}

}  // namespace crackkd::device_check
