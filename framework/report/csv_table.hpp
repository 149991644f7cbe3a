#pragma once
// Reading back the CSV files stages write (scores.csv, robustness.csv, metrics.csv,
// efficiency.csv), for the report: a header and rows of fields, quoted fields unquoted.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace crackkd::report {

struct CsvTable {
  std::filesystem::path file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;  ///< each row's line in the file (blank lines are skipped)

  /// The column's index; throws crackkd::Error naming the file and column when absent.
  std::size_t column(const std::string& name) const;
  bool has_column(const std::string& name) const;
  /// Field `name` of row `r` as a number; throws naming file, line and column when it is not one.
  double number(std::size_t r, const std::string& name) const;
  /// The same, an empty field (an undefined measure: AP of a set without crack) as NaN.
  double number_or_nan(std::size_t r, const std::string& name) const;
};

/// Reads `file`; throws crackkd::Error naming the file when it cannot be read or a row's
/// field count differs from the header's.
CsvTable read_csv(const std::filesystem::path& file);

/// `read_csv(file)` when the file exists, otherwise nothing.
std::optional<CsvTable> read_csv_if_present(const std::filesystem::path& file);

}  // namespace crackkd::report
