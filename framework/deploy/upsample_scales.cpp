#include "deploy/upsample_scales.hpp"

#include <torch/csrc/jit/ir/constants.h>

#include <set>
#include <string>

namespace crackkd::deploy {

namespace {

/// True when every given scale s_i is exactly output_i / input_i (compared as PyTorch's
/// kernels use it: 1 / s against input / output).
bool scales_follow_sizes(const torch::jit::Node* node, std::size_t first_scale) {
  // The trace gave every tensor its sizes: the input's and the output's say the factor.
  const auto input = node->input(0)->type()->cast<c10::TensorType>();
  const auto output = node->output()->type()->cast<c10::TensorType>();
  if (!input || !output) return false;
  const auto sizes = input->sizes().concrete_sizes();
  const auto out_sizes = output->sizes().concrete_sizes();
  if (!sizes || !out_sizes || sizes->size() != 4 || out_sizes->size() != 4) return false;
  const std::vector<std::int64_t> out{(*out_sizes)[2], (*out_sizes)[3]};
  bool any = false;
  for (std::size_t k = 0; k < 2; ++k) {
    const auto scale = torch::jit::toIValue(node->input(first_scale + k));
    if (!scale) return false;  // computed at run time: leave it
    if (scale->isNone()) continue;
    any = true;
    const double in = static_cast<double>((*sizes)[2 + k]);
    if (!scale->isDouble() || 1.0 / scale->toDouble() != in / static_cast<double>(out[k])) return false;
  }
  return any;
}

}  // namespace

int drop_redundant_upsample_scales(torch::jit::Graph& graph) {
  // The overloads with separate scale arguments: (x, size, [align_corners,] scale_h, scale_w).
  static const std::set<std::string> upsamplings{"aten::upsample_nearest2d", "aten::upsample_bilinear2d",
                                                 "aten::upsample_bicubic2d"};
  int changed = 0;
  for (auto* node : graph.nodes()) {
    if (!upsamplings.count(node->kind().toQualString()) || node->inputs().size() < 4) continue;
    if (node->maybeSchema() && node->schema().overload_name() == "vec") continue;
    const std::size_t first_scale = node->inputs().size() - 2;
    if (!scales_follow_sizes(node, first_scale)) continue;
    torch::jit::WithInsertPoint here(node);
    const auto none = graph.insertConstant(c10::IValue());
    node->replaceInput(first_scale, none);
    node->replaceInput(first_scale + 1, none);
    ++changed;
  }
  return changed;
}

}  // namespace crackkd::deploy
