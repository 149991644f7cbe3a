#pragma once
// Minimal CSV writing: a header, then rows flushed as they come, so a killed run keeps
// every finished row. Fields with commas, quotes or newlines are quoted.

#include <crackkd/error.hpp>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>

namespace crackkd::engine {

class CsvWriter {
 public:
  CsvWriter(const std::filesystem::path& file, std::initializer_list<std::string> header) : out_(file), file_(file) {
    if (!out_) throw Error("cannot write " + file.string());
    row_of(header);
  }
  template <class... Fields> void row(const Fields&... fields) {
    std::ostringstream line;
    bool first = true;
    ((line << (first ? "" : ",") << field(fields), first = false), ...);
    out_ << line.str() << '\n';
    out_.flush();
    if (!out_) throw Error("cannot write " + file_.string());
  }

 private:
  void row_of(std::initializer_list<std::string> fields) {
    std::string line;
    for (const auto& f : fields) line += (line.empty() ? "" : ",") + field(f);
    out_ << line << '\n';
  }
  static std::string field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  }
  static std::string field(const char* s) { return field(std::string(s)); }
  template <class T> static std::string field(const T& v) {
    std::ostringstream s;
    s.precision(6);
    s << v;
    return s.str();
  }

  std::ofstream out_;
  std::filesystem::path file_;
};

}  // namespace crackkd::engine
