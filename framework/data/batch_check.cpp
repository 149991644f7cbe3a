#include "data/batch_check.hpp"

#include <crackkd/transform.hpp>

#include <ATen/ATen.h>

namespace crackkd::data {

namespace {

/// Draws per sample: enough for a random_rotate90 to turn at least one of them (1/16 to miss).
constexpr std::uint64_t kDraws = 4;

}  // namespace

std::string width_x_height(std::int64_t height, std::int64_t width) {
  return std::to_string(width) + "x" + std::to_string(height);
}

std::string check_batch_sizes(const BatchNeed& need, const Dataset& dataset, const std::vector<std::size_t>& examples,
                              host::PluginHost& host) {
  if (need.batch_size <= 1 || examples.empty()) return "";
  std::vector<std::shared_ptr<Transform>> augment;
  for (const auto& config : need.augment) augment.push_back(host.create<Transform>("transform", config));
  std::string first_id, first_size;
  for (const auto index : examples) {
    for (std::uint64_t draw = 0; draw < kDraws; ++draw) {
      Rng rng = Rng::derive(0, {index, draw});
      Sample s = dataset.get(index);
      for (const auto& t : augment) s = t->apply(std::move(s), rng);
      const std::string size = width_x_height(s.image.size(1), s.image.size(2));
      if (first_id.empty()) first_id = s.id, first_size = size;
      if (size == first_size) continue;
      return "stages." + need.stage + " stacks " + std::to_string(need.batch_size) + " samples a batch, but " +
             need.data + "'s differ in size after its augment (width x height): " + first_size + " from " + first_id +
             ", " + size + " from " + s.id +
             ": give them one size in the stage's augment (random_crop or resize) or set batch_size = 1";
    }
  }
  return "";
}

}  // namespace crackkd::data
