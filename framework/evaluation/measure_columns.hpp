#pragma once
// The columns of scores.csv and per_image.csv that carry the crack measures (exact,
// within a tolerance, skeleton, boundary, crack-free, with their bootstrap intervals:
// metrics/dataset_measures.hpp), written by the evaluate stage and by `crackkd infer
// --reference` alike, so one photo set scored either way reads the same.

#include "metrics/dataset_measures.hpp"

#include <string>
#include <vector>

namespace crackkd::evaluation {

/// scores.csv's columns: `leading` (those naming the model), then the measures from
/// "images" on.
std::vector<std::string> dataset_measure_columns(std::vector<std::string> leading);

/// Their values: six decimals for figures in [0, 1], one for pixels per megapixel, empty
/// for NaN (no crack-free image, no resamples).
std::vector<std::string> dataset_measure_texts(std::vector<std::string> leading, const metrics::DatasetMeasures& d,
                                               const metrics::MeasureOptions& o,
                                               const std::vector<metrics::Interval>& intervals);

/// per_image.csv's columns: `leading` (those naming the model and image), then the measures.
std::vector<std::string> image_measure_columns(std::vector<std::string> leading);
std::vector<std::string> image_measure_texts(std::vector<std::string> leading, const metrics::ImageMeasures& m);

}  // namespace crackkd::evaluation
