#pragma once
// CSV results: a header, then rows, gathered in memory and published by `commit()`
// (io::write_atomically: synced, renamed over the old file, a full disk reported with the
// free space). Until then the previous results stay whole: a stage that fails or is
// killed half-way never leaves a truncated scores.csv in place of the last good one.
// Result tables are small (a row per image or model). Fields with commas, quotes or
// newlines are quoted. A measure in [0, 1] goes in as `Score{v}`: six decimals, so a
// collapsed model reads 0.000000, not 3.99447e-11, and an undefined one (NaN: AP of a set
// without crack) is an empty cell.

#include "io/durable_file.hpp"

#include <cmath>
#include <filesystem>
#include <vector>
#include <sstream>
#include <string>

namespace crackkd::io {

/// A measure in [0, 1] for a CsvWriter row (see above).
struct Score {
  double value;
};

class CsvWriter {
 public:
  CsvWriter(std::filesystem::path file, const std::vector<std::string>& header) : file_(std::move(file)) {
    row_of(header);
  }

  template <class... Fields> void row(const Fields&... fields) {
    std::ostringstream line;
    bool first = true;
    ((line << (first ? "" : ",") << field(fields), first = false), ...);
    text_ += line.str() + '\n';
  }

  /// A row of fields already turned into text by text(), for tables whose columns vary.
  void row_of_texts(const std::vector<std::string>& texts) { row_of(texts); }
  /// A field's text as row() writes it, before quoting.
  static std::string text(const std::string& s) { return s; }
  template <class T> static std::string text(const T& v) { return field(v); }

  /// Replaces the file with the header and the rows so far; throws crackkd::Error on failure.
  void commit() const { io::write_atomically(file_, text_); }

 private:
  void row_of(const std::vector<std::string>& fields) {
    std::string line;
    for (const auto& f : fields) line += (line.empty() ? "" : ",") + field(f);
    text_ += line + '\n';
  }
  static std::string field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  }
  static std::string field(const char* s) { return field(std::string(s)); }
  static std::string field(Score s) {
    if (std::isnan(s.value)) return "";
    std::ostringstream text;
    text.setf(std::ios::fixed);
    text.precision(6);
    text << s.value;
    return text.str();
  }
  template <class T> static std::string field(const T& v) {
    std::ostringstream s;
    s.precision(6);
    s << v;
    return s.str();
  }

  std::filesystem::path file_;
  std::string text_;
};

}  // namespace crackkd::io
