#include "deploy/positive_dims.hpp"

#include <torch/csrc/jit/ir/constants.h>

#include <optional>

namespace crackkd::deploy {

namespace {

std::optional<std::int64_t> rank_of(const torch::jit::Value* value) {
  const auto type = value->type()->cast<c10::TensorType>();
  if (!type || !type->dim()) return std::nullopt;
  return static_cast<std::int64_t>(*type->dim());
}

/// The rank of the tensors the node's new dimension is inserted into: unsqueeze's input,
/// or the first tensor of stack's list.
std::optional<std::int64_t> rank_before(const torch::jit::Node* node) {
  if (node->kind() == c10::aten::unsqueeze) return rank_of(node->input(0));
  const auto* list = node->input(0)->node();
  if (list->kind() != c10::prim::ListConstruct || list->inputs().empty()) return std::nullopt;
  return rank_of(list->input(0));
}

}  // namespace

int make_new_dims_positive(torch::jit::Graph& graph) {
  int changed = 0;
  for (auto* node : graph.nodes()) {
    if ((node->kind() != c10::aten::unsqueeze && node->kind() != c10::aten::stack) || node->inputs().size() != 2) continue;
    const auto dim = torch::jit::toIValue(node->input(1));
    const auto rank = rank_before(node);
    if (!dim || !dim->isInt() || dim->toInt() >= 0 || !rank) continue;  // unknown: leave it
    // A negative d inserts the new dimension at d + rank + 1 (the output has one more).
    const std::int64_t positive = dim->toInt() + *rank + 1;
    if (positive < 0) continue;  // out of range: the model's own error stays its own
    torch::jit::WithInsertPoint here(node);
    node->replaceInput(1, graph.insertConstant(positive));
    ++changed;
  }
  return changed;
}

}  // namespace crackkd::deploy
