#pragma once
// What a training stage needs of its data beyond readable pairs: the samples it stacks
// into one batch must share one size after its augmentations. A data set of photos of
// mixed sizes (or random_rotate90 on non-square ones) passes every per-file check, and
// used to stop the run at its first mixed batch.

#include <crackkd/dataset.hpp>
#include <crackkd/params.hpp>

#include "plugin_host/plugin_host.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace crackkd::data {

/// A training stage's batches: the [datasets.*] entry they come from, how many samples
/// each stacks, and the augmentations that may give the samples one size.
struct BatchNeed {
  std::string stage;
  std::string data;
  std::int64_t batch_size = 1;
  std::vector<ComponentConfig> augment;
};

/// Problems (one line each, "" for none) for `need` on `dataset`: one sample of each
/// distinct size (`examples`, indices) is put through `need.augment` with a few seeds; when
/// the results still differ in size, two of them are named, as width x height.
std::string check_batch_sizes(const BatchNeed& need, const Dataset& dataset, const std::vector<std::size_t>& examples,
                              host::PluginHost& host);

/// "480x320": an image tensor's size, width x height, as `crackkd check` prints sizes.
std::string width_x_height(std::int64_t height, std::int64_t width);

}  // namespace crackkd::data
