#include "report/table_text.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace crackkd::report {

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "–";
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v;
  return s.str();
}

std::string percent(double level) { return std::to_string(static_cast<int>(std::lround(level * 100))) + " %"; }

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? NAN : sum / static_cast<double>(values.size());
}

std::string over_seeds(const std::vector<double>& values) {
  if (values.empty()) return "–";
  const double mean = mean_of(values);
  if (values.size() == 1) return fixed(mean, 4);
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return fixed(mean, 4) + " ± " + fixed(std::sqrt(squares / static_cast<double>(values.size() - 1)), 4);
}

std::vector<std::pair<std::string, std::vector<std::size_t>>> by_model(const CsvTable& t) {
  std::vector<std::pair<std::string, std::vector<std::size_t>>> groups;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const auto& model = t.rows[i][t.column("model")];
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == model; });
    if (it == groups.end()) groups.push_back({model, {i}});
    else it->second.push_back(i);
  }
  return groups;
}

}  // namespace crackkd::report
