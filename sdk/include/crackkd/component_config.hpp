#pragma once
// Components named in options: a nested component (`loss = { plugin = "dice" }`) and a
// weighted sum of them (a stage's `loss`). Read by option_values.hpp, declared in options
// structs (options.hpp).

#include <crackkd/params.hpp>

#include <string>
#include <vector>

namespace crackkd {

/// A nested component: `loss = { plugin = "dice", eps = 1e-6 }` or just `loss = "dice"`.
struct ComponentConfig {
  std::string plugin;
  Params params;  ///< every key but `plugin`
  SourceLocation where;
};

/// One term of a weighted sum of components (a stage's `loss`).
struct WeightedComponent {
  ComponentConfig component;
  double weight = 1.0;
};

/// A weighted sum of components: `loss = "dice"`, `loss = { plugin = "dice" }`, or
/// `loss = [{ plugin = "dice", weight = 1 }, { plugin = "bce", weight = 0.5, pos_weight = 10 }]`.
/// `weight` (a number >= 0, default 1) belongs to the sum: it is taken out of the
/// component's params before the plugin sees them. One term per plugin.
using WeightedComponents = std::vector<WeightedComponent>;

}  // namespace crackkd
