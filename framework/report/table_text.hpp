#pragma once
// Numbers as a report's tables show them, and rows of a results CSV grouped by model.

#include "report/csv_table.hpp"

#include <string>
#include <utility>
#include <vector>

namespace crackkd::report {

/// `v` with `digits` decimals; "–" when it is not finite.
std::string fixed(double v, int digits);
/// 0.4 → "40 %".
std::string percent(double level);
/// The mean, NaN when there are no values.
double mean_of(const std::vector<double>& values);
/// Scores of one model over its seeds: one value, or "mean ± std" (sample standard deviation).
std::string over_seeds(const std::vector<double>& values);
/// Rows of a CSV table grouped by its `model` column, in order of first appearance.
std::vector<std::pair<std::string, std::vector<std::size_t>>> by_model(const CsvTable& t);

}  // namespace crackkd::report
