#pragma once
// Crack widths grouped in classes, as inspection reports group them: a crack falls in the
// class its maximum width (in millimetres) lies in. The classes are given by their
// bounds, ascending: {0.1, 0.3, 1, 3} makes "<0.1", "0.1-0.3", "0.3-1", "1-3" and ">=3"
// (a width on a bound belongs to the class above it). Which bounds apply is the user's
// (a standard's, a client's); kExampleWidthClassesMm is an example, documented as one.

#include <string>
#include <vector>

namespace crackkd::measurement {

inline const std::vector<double> kExampleWidthClassesMm{0.1, 0.3, 1.0, 3.0};

/// Throws crackkd::Error naming `option` and the values unless they are positive, finite
/// and strictly ascending.
void check_width_classes(const std::vector<double>& bounds_mm, const std::string& option);

/// The class of a width in millimetres, named by its bounds.
std::string width_class(double width_mm, const std::vector<double>& bounds_mm);

}  // namespace crackkd::measurement
