#pragma once
// How timm names a PoolFormer's tensors, and which of ours each one is. timm has two
// layouts for the same weights (its checkpoint_filter_fn in metaformer.py maps the old to
// the new), and users hold files of either:
//
//   ours (encoder.)            metaformer.py (current timm)     poolformer.py (older timm, sail-sg)
//   stage1.embed.spatial.*     stem.conv.*                      patch_embed.proj.*
//   stage{s}.embed.spatial.*   stages.{s-1}.downsample.conv.*   network.{2s-3}.proj.*
//   stage{s}.blocks.{j}.norm1  stages.{s-1}.blocks.{j}.norm1    network.{2s-2}.{j}.norm1
//   ….fc1 / fc2                ….mlp.fc1 / mlp.fc2              ….mlp.fc1 / mlp.fc2
//   ….layer_scale1 [C,1,1]     ….layer_scale1.scale [C]         ….layer_scale_1 [C]
//
// Ours without a counterpart: each embedding's LayerNorm (timm's PoolFormer has none) and
// each stage's output norm (a classifier normalises only the last stage, `norm` / `head.norm`).

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace crackkd::models {

enum class TimmLayout { MetaFormer, PoolFormer };

/// What a timm PoolFormer file holds, read from its names and shapes.
struct TimmPoolFormer {
  TimmLayout layout = TimmLayout::MetaFormer;
  std::array<std::int64_t, 4> channels{};  ///< 0 where the stage's embedding is missing
  std::array<std::int64_t, 4> depths{};
  std::array<std::int64_t, 4> mlp_hidden{};  ///< fc1's width in the stage's first block
};

/// "timm metaformer.py" or "timm poolformer.py (sail-sg)", for messages.
const char* layout_name(TimmLayout layout);

/// The file's layout and shape. Throws crackkd::Error naming `file` when the dict is not a
/// timm PoolFormer (neither `stem.conv.weight` nor `patch_embed.proj.weight`).
TimmPoolFormer describe_timm_poolformer(const std::map<std::string, at::Tensor>& dict, const std::string& file);

/// Where timm keeps the counterpart of one of our encoder tensors.
struct TimmCounterpart {
  std::string name;     ///< timm's name; "" when it has none
  bool kept = false;    ///< no counterpart, as expected: the tensor keeps its initial value
};

/// `ours` is a name inside our encoder ("stage2.blocks.0.fc1.weight"). A name that is
/// neither mapped nor kept (a depth-wise embedding's pointwise conv) can never be loaded.
TimmCounterpart timm_counterpart(const std::string& ours, TimmLayout layout);

}  // namespace crackkd::models
