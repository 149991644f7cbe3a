#include "poolformer_weights.hpp"

#include "blocks/poolformer_encoder.hpp"
#include "timm_poolformer_layout.hpp"
#include "torch_save_reader.hpp"

#include <crackkd/error.hpp>

#include <torch/utils.h>

#include <set>
#include <sstream>

namespace crackkd::models {

namespace {

const std::string kPrefix = "encoder_weights: ";

std::string shape_of(const at::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

template <class T> std::string list_of(const std::array<T, 4>& v) {
  std::ostringstream s;
  s << "[" << v[0] << ", " << v[1] << ", " << v[2] << ", " << v[3] << "]";
  return s.str();
}

std::array<double, 4> ratios(const std::array<std::int64_t, 4>& hidden, const std::array<std::int64_t, 4>& channels) {
  std::array<double, 4> r{};
  for (std::size_t i = 0; i < 4; ++i)
    r[i] = channels[i] > 0 ? static_cast<double>(hidden[i]) / static_cast<double>(channels[i]) : 0.0;
  return r;
}

/// What of this model's configuration differs from the file's network, and the options
/// that build the file's network; "" when nothing differs.
std::string configuration_hint(const TimmPoolFormer& file, const PoolFormerEncoderOptions& ours) {
  std::vector<std::string> differences;
  if (ours.depthwise_embedding) differences.push_back("embedding \"depthwise\" (timm's embeddings are dense convolutions)");
  if (ours.depthwise_mlp) differences.push_back("mlp \"depthwise\" (timm's MLPs are dense 1x1 convolutions)");
  if (ours.channels != file.channels)
    differences.push_back("channels " + list_of(ours.channels) + " where the file has " + list_of(file.channels));
  if (ours.depths != file.depths)
    differences.push_back("depths " + list_of(ours.depths) + " where the file has " + list_of(file.depths));
  if (ours.mlp_hidden != file.mlp_hidden)
    differences.push_back("mlp_ratio " + list_of(ratios(ours.mlp_hidden, ours.channels)) + " where the file has " +
                          list_of(ratios(file.mlp_hidden, file.channels)));
  if (differences.empty()) return "";
  std::string hint = "this model has";
  for (std::size_t i = 0; i < differences.size(); ++i) hint += (i ? ", " : " ") + differences[i];
  return hint + "; for this file set channels = " + list_of(file.channels) + ", depths = " + list_of(file.depths) +
         ", mlp_ratio = " + list_of(ratios(file.mlp_hidden, file.channels)) +
         ", embedding = \"dense\", mlp = \"dense\"";
}

/// `stored` in `target`'s shape: the same shape, or the same sizes but for 1s (timm's
/// [C] layer scales in our [C,1,1]); undefined when it cannot fill `target`.
at::Tensor fitted(const at::Tensor& stored, const at::Tensor& target) {
  if (stored.sizes() == target.sizes()) return stored;
  if (stored.numel() == target.numel() && stored.squeeze().sizes() == target.squeeze().sizes())
    return stored.reshape(target.sizes());
  return {};
}

/// Our module of a parameter: "encoder.stage1.norm" of "stage1.norm.weight".
std::string module_of(const std::string& tensor) { return "encoder." + tensor.substr(0, tensor.rfind('.')); }

}  // namespace

PoolFormerWeightsLoad load_poolformer_weights(torch::nn::Module& encoder, const PoolFormerEncoderOptions& config,
                                              const std::filesystem::path& file) {
  const std::string where = file.string();
  std::map<std::string, at::Tensor> stored;
  TimmPoolFormer theirs;
  try {
    stored = plugin_common::read_tensor_dict(file);
    theirs = describe_timm_poolformer(stored, where);
  } catch (const std::runtime_error& e) {  // the reader's errors and crackkd::Error alike
    throw Error(kPrefix + e.what());
  }
  const std::string hint = configuration_hint(theirs, config);
  const auto error = [&](const std::string& what) { return Error(kPrefix + what + (hint.empty() ? "" : "; " + hint)); };

  // Check every tensor first, then copy: a file that does not fit leaves the encoder as it was.
  PoolFormerWeightsLoad load;
  load.layout = layout_name(theirs.layout);
  std::vector<std::pair<at::Tensor, at::Tensor>> copies;
  std::set<std::string> used;
  const auto take = [&](const std::string& ours, const at::Tensor& target) {
    const TimmCounterpart timm = timm_counterpart(ours, theirs.layout);
    if (timm.kept) {
      if (load.kept.empty() || load.kept.back() != module_of(ours)) load.kept.push_back(module_of(ours));
      return;
    }
    if (timm.name.empty())
      throw error("the encoder's 'encoder." + ours + "' " + shape_of(target) +
                  " has no counterpart in a timm PoolFormer (" + where + ")");
    const auto found = stored.find(timm.name);
    if (found == stored.end())
      throw error(where + " has no tensor '" + timm.name + "' for the encoder's 'encoder." + ours + "' " + shape_of(target));
    at::Tensor source = fitted(found->second, target);
    if (!source.defined())
      throw error(where + ": '" + timm.name + "' has shape " + shape_of(found->second) + ", the encoder's 'encoder." +
                  ours + "' is " + shape_of(target));
    copies.emplace_back(target, source);
    used.insert(timm.name);
  };
  for (const auto& p : encoder.named_parameters()) take(p.key(), p.value());
  for (const auto& b : encoder.named_buffers()) take(b.key(), b.value());
  // Every tensor of ours found, yet the file's network may be deeper or wider than ours.
  if (!hint.empty()) throw Error(kPrefix + where + ": " + hint);

  torch::NoGradGuard no_grad;
  for (auto& [target, source] : copies) target.copy_(source.to(target.device(), target.dtype()));
  load.loaded = copies.size();
  for (const auto& [name, tensor] : stored)
    if (!used.count(name)) load.unused.push_back(name);
  return load;
}

std::string describe(const PoolFormerWeightsLoad& load, const std::filesystem::path& file) {
  std::string line = "encoder_weights: loaded " + std::to_string(load.loaded) + " encoder tensors from " +
                     file.string() + " (" + load.layout + "); " + std::to_string(load.kept.size()) +
                     " modules timm has no counterpart for keep their initial values:";
  for (std::size_t i = 0; i < load.kept.size(); ++i) line += (i ? ", " : " ") + load.kept[i];
  line += "; " + std::to_string(load.unused.size()) + " of the file's tensors unused";
  if (!load.unused.empty()) {
    constexpr std::size_t kNamed = 8;  // a classifier's head and final norm are named; more are only counted
    for (std::size_t i = 0; i < load.unused.size() && i < kNamed; ++i) line += (i ? ", " : " (") + load.unused[i];
    line += load.unused.size() > kNamed ? ", …)" : ")";
  }
  return line;
}

}  // namespace crackkd::models
