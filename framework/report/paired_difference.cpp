#include "report/paired_difference.hpp"

#include <cmath>
#include <vector>

namespace crackkd::report {

namespace {

std::string signed_fixed(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.4f", v);
  return text;
}

}  // namespace

double t_quantile_975(std::size_t degrees_of_freedom) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (degrees_of_freedom == 0) return NAN;
  if (degrees_of_freedom <= 30) return table[degrees_of_freedom - 1];
  if (degrees_of_freedom < 60) return 2.042;
  if (degrees_of_freedom < 120) return 2.000;
  return 1.980;
}

PairedDifference paired_difference(const std::map<std::string, double>& model,
                                   const std::map<std::string, double>& baseline) {
  std::vector<double> differences;
  for (const auto& [seed, value] : model)
    if (const auto it = baseline.find(seed); it != baseline.end()) differences.push_back(value - it->second);
  PairedDifference d;
  d.pairs = differences.size();
  if (differences.empty()) return d;
  for (double v : differences) d.mean += v;
  d.mean /= static_cast<double>(d.pairs);
  if (d.pairs == 1) {
    d.half_width = NAN;
    return d;
  }
  double squares = 0;
  for (double v : differences) squares += (v - d.mean) * (v - d.mean);
  const double standard_error = std::sqrt(squares / static_cast<double>(d.pairs - 1) / static_cast<double>(d.pairs));
  d.half_width = t_quantile_975(d.pairs - 1) * standard_error;
  return d;
}

std::string difference_text(const PairedDifference& d) {
  if (d.pairs == 0 || !std::isfinite(d.mean)) return "–";
  if (!std::isfinite(d.half_width)) return signed_fixed(d.mean);
  return signed_fixed(d.mean) + " (" + signed_fixed(d.mean - d.half_width) + ", " + signed_fixed(d.mean + d.half_width) +
         ")";
}

}  // namespace crackkd::report
