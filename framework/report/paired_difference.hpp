#pragma once
// Paired differences over seeds: a model against a baseline trained on the same seeds
// (paired streams: the same initial weights and data), seed by seed, with a 95 %
// confidence interval of the mean difference from Student's t.

#include <cstddef>
#include <map>
#include <string>

namespace crackkd::report {

struct PairedDifference {
  std::size_t pairs = 0;  ///< seeds both have
  double mean = 0;        ///< mean of (model − baseline) over those seeds
  double half_width = 0;  ///< of the 95 % interval; NaN with a single pair
};

/// Matches `model` and `baseline` by seed (the keys) and summarises model − baseline.
PairedDifference paired_difference(const std::map<std::string, double>& model,
                                   const std::map<std::string, double>& baseline);

/// The 0.975 quantile of Student's t with `degrees_of_freedom` (≥ 1); above 30 degrees the
/// value at the table's next lower entry (30, 60, 120), so an interval errs wide.
double t_quantile_975(std::size_t degrees_of_freedom);

/// "+0.0123 (−0.0040, +0.0286)"; "+0.0123" for a single pair; "–" for none.
std::string difference_text(const PairedDifference& d);

}  // namespace crackkd::report
