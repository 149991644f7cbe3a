#include "report/csv_table.hpp"

#include <crackkd/error.hpp>

#include <cstdlib>
#include <fstream>
#include <limits>

namespace crackkd::report {

namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') fields.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else fields.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace

std::size_t CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw Error(file.string() + ": no column '" + name + "'");
}

bool CsvTable::has_column(const std::string& name) const {
  for (const auto& h : header)
    if (h == name) return true;
  return false;
}

double CsvTable::number(std::size_t r, const std::string& name) const {
  const std::string& text = rows.at(r).at(column(name));
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0')
    throw Error(file.string() + ":" + std::to_string(lines.at(r)) + ", column '" + name + "': '" + text +
                "' is not a number");
  return value;
}

double CsvTable::number_or_nan(std::size_t r, const std::string& name) const {
  return rows.at(r).at(column(name)).empty() ? std::numeric_limits<double>::quiet_NaN() : number(r, name);
}

CsvTable read_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read " + file.string());
  CsvTable table{file, {}, {}, {}};
  std::string line;
  if (!std::getline(in, line)) throw Error(file.string() + ": empty file, expected a CSV header");
  table.header = split_fields(line);
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    auto fields = split_fields(line);
    if (fields.size() != table.header.size())
      throw Error(file.string() + ":" + std::to_string(n) + ": " + std::to_string(fields.size()) + " fields, the header has " +
                  std::to_string(table.header.size()));
    table.rows.push_back(std::move(fields));
    table.lines.push_back(n);
  }
  return table;
}

std::optional<CsvTable> read_csv_if_present(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return std::nullopt;
  return read_csv(file);
}

}  // namespace crackkd::report
