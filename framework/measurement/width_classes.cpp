#include "measurement/width_classes.hpp"

#include <crackkd/error.hpp>

#include <cmath>
#include <cstdio>

namespace crackkd::measurement {

namespace {

std::string bound_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

}  // namespace

void check_width_classes(const std::vector<double>& bounds, const std::string& option) {
  std::string given;
  for (const double b : bounds) given += (given.empty() ? "" : ",") + bound_text(b);
  if (bounds.empty()) throw Error(option + ": give at least one bound in millimetres, e.g. 0.1,0.3,1,3");
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || bounds[i] <= 0)
      throw Error(option + " " + given + ": " + bound_text(bounds[i]) + " is not a positive width in millimetres");
    if (i > 0 && bounds[i] <= bounds[i - 1])
      throw Error(option + " " + given + ": the bounds must ascend (" + bound_text(bounds[i - 1]) + " then " +
                  bound_text(bounds[i]) + ")");
  }
}

std::string width_class(double width_mm, const std::vector<double>& bounds) {
  if (bounds.empty()) return "";
  if (width_mm < bounds.front()) return "<" + bound_text(bounds.front());
  for (std::size_t i = 1; i < bounds.size(); ++i)
    if (width_mm < bounds[i]) return bound_text(bounds[i - 1]) + "-" + bound_text(bounds[i]);
  return ">=" + bound_text(bounds.back());
}

}  // namespace crackkd::measurement
