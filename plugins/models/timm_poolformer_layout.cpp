#include "timm_poolformer_layout.hpp"

#include <crackkd/error.hpp>

#include <regex>

namespace crackkd::models {

namespace {

/// The prefix of stage `i`'s (0-based) embedding convolution, its weight and bias after it.
std::string embedding_prefix(TimmLayout layout, int i) {
  if (layout == TimmLayout::MetaFormer)
    return i == 0 ? "stem.conv." : "stages." + std::to_string(i) + ".downsample.conv.";
  // poolformer.py's `network` alternates block stacks (even) and downsampling embeddings (odd).
  return i == 0 ? "patch_embed.proj." : "network." + std::to_string(2 * i - 1) + ".proj.";
}

std::string block_prefix(TimmLayout layout, int i, std::int64_t j) {
  if (layout == TimmLayout::MetaFormer) return "stages." + std::to_string(i) + ".blocks." + std::to_string(j) + ".";
  return "network." + std::to_string(2 * i) + "." + std::to_string(j) + ".";
}

std::int64_t first_size(const std::map<std::string, at::Tensor>& dict, const std::string& name) {
  const auto found = dict.find(name);
  return found == dict.end() || found->second.dim() == 0 ? 0 : found->second.size(0);
}

}  // namespace

const char* layout_name(TimmLayout layout) {
  return layout == TimmLayout::MetaFormer ? "timm metaformer.py" : "timm poolformer.py (sail-sg)";
}

TimmPoolFormer describe_timm_poolformer(const std::map<std::string, at::Tensor>& dict, const std::string& file) {
  TimmPoolFormer out;
  if (dict.count("stem.conv.weight"))
    out.layout = TimmLayout::MetaFormer;
  else if (dict.count("patch_embed.proj.weight"))
    out.layout = TimmLayout::PoolFormer;
  else
    throw Error(file + " is not a timm PoolFormer state dict: it has neither 'stem.conv.weight' (timm metaformer.py) "
                       "nor 'patch_embed.proj.weight' (timm poolformer.py)");
  for (int i = 0; i < 4; ++i) {
    out.channels[i] = first_size(dict, embedding_prefix(out.layout, i) + "weight");
    while (dict.count(block_prefix(out.layout, i, out.depths[i]) + "norm1.weight")) ++out.depths[i];
    out.mlp_hidden[i] = first_size(dict, block_prefix(out.layout, i, 0) + "mlp.fc1.weight");
  }
  return out;
}

TimmCounterpart timm_counterpart(const std::string& ours, TimmLayout layout) {
  static const std::regex embedding(R"(stage([1-4])\.embed\.spatial\.(weight|bias))");
  static const std::regex block(R"(stage([1-4])\.blocks\.([0-9]+)\.(norm1|norm2|fc1|fc2)\.(weight|bias))");
  static const std::regex layer_scale(R"(stage([1-4])\.blocks\.([0-9]+)\.layer_scale([12]))");
  static const std::regex kept(R"(stage[1-4]\.(embed\.)?norm\.(weight|bias))");
  std::smatch m;
  if (std::regex_match(ours, m, embedding)) return {embedding_prefix(layout, std::stoi(m[1]) - 1) + m[2].str()};
  if (std::regex_match(ours, m, block)) {
    const std::string module = m[3].str().rfind("fc", 0) == 0 ? "mlp." + m[3].str() : m[3].str();
    return {block_prefix(layout, std::stoi(m[1]) - 1, std::stoll(m[2])) + module + "." + m[4].str()};
  }
  if (std::regex_match(ours, m, layer_scale)) {
    const std::string scale = layout == TimmLayout::MetaFormer ? "layer_scale" + m[3].str() + ".scale"
                                                               : "layer_scale_" + m[3].str();
    return {block_prefix(layout, std::stoi(m[1]) - 1, std::stoll(m[2])) + scale};
  }
  if (std::regex_match(ours, kept)) return {"", true};
  return {};
}

}  // namespace crackkd::models
