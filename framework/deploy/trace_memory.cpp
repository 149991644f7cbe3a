#include "deploy/trace_memory.hpp"

#include "deploy/traced_model.hpp"

#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <map>
#include <vector>

namespace crackkd::deploy {

namespace {

std::uint64_t bytes_of(const torch::jit::Value* v) {
  const auto type = v->type()->cast<c10::TensorType>();
  if (!type) return 0;
  const auto numel = type->numel();
  const auto scalar = type->scalarType();
  return numel && scalar ? static_cast<std::uint64_t>(*numel) * c10::elementSize(*scalar) : 0;
}

/// The most bytes of tensors alive at once while `graph` runs in node order, each value
/// freed after its last use (the weights, read by prim::GetAttr, exist already).
std::uint64_t peak_live_bytes(const torch::jit::Graph& graph) {
  std::map<const torch::jit::Node*, std::size_t> position;
  std::size_t n = 0;
  for (const auto* node : graph.nodes()) position[node] = n++;
  const auto last_use = [&](const torch::jit::Value* v) {
    std::size_t last = 0;
    for (const auto& use : v->uses()) {
      const torch::jit::Node* user = use.user;
      while (user && !position.count(user)) user = user->owningBlock() ? user->owningBlock()->owningNode() : nullptr;
      last = std::max(last, user ? position[user] : n);
    }
    return last;
  };
  std::vector<std::uint64_t> freed_after(n + 1, 0);
  std::uint64_t live = 0, peak = 0;
  for (const auto* input : graph.inputs()) live += bytes_of(input), freed_after[last_use(input)] += bytes_of(input);
  for (const auto* node : graph.nodes()) {
    if (node->kind() != c10::prim::GetAttr && node->kind() != c10::prim::Constant)
      for (const auto* output : node->outputs()) live += bytes_of(output), freed_after[last_use(output)] += bytes_of(output);
    peak = std::max(peak, live);
    live -= freed_after[position[node]];
  }
  return peak;
}

/// Peak resident memory over the live tensors' peak, measured for `crackkd export` of
/// PoolingCrack with /usr/bin/time: 5.0 GiB over 2.0 GiB at 1792x1792, 6.7 over 3.1 GiB
/// at 2240x2240: the operators' scratch space (im2col buffers), the process's libraries
/// and weights, the allocator's slack.
constexpr double kResidentPerLiveByte = 2.5;

}  // namespace

std::uint64_t estimated_trace_bytes(SegmentationModel& model, const InputShape& shape) {
  const std::int64_t side = 4 * model.input_stride();
  const InputShape probe{1, side, side, false};
  auto module = trace_logits(model, probe, "the probe", /*check_shape=*/false);
  const double scale = static_cast<double>(shape.batch) * static_cast<double>(shape.height) *
                       static_cast<double>(shape.width) / static_cast<double>(side * side);
  const double live = static_cast<double>(peak_live_bytes(*module.get_method("forward").graph()));
  return static_cast<std::uint64_t>(live * scale * kResidentPerLiveByte);
}

}  // namespace crackkd::deploy
