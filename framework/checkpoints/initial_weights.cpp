#include "checkpoints/initial_weights.hpp"

#include <crackkd/error.hpp>

#include <torch/nn/module.h>

#include <map>

namespace crackkd::checkpoints {

namespace {

std::map<std::string, at::Tensor> named_tensors(torch::nn::Module& module) {
  std::map<std::string, at::Tensor> tensors;
  for (const auto& p : module.named_parameters()) tensors[p.key()] = p.value();
  for (const auto& b : module.named_buffers()) tensors[b.key()] = b.value();
  return tensors;
}

std::string shape_of(const at::Tensor& t) {
  std::string text = "[";
  for (const auto d : t.sizes()) text += (text.size() > 1 ? ", " : "") + std::to_string(d);
  return text + "]";
}

/// One line per tensor that `to` and `from` do not share with one shape.
std::string mismatches(const std::map<std::string, at::Tensor>& to, const std::map<std::string, at::Tensor>& from) {
  std::string lines;
  for (const auto& [name, tensor] : to) {
    const auto found = from.find(name);
    if (found == from.end()) lines += "\n  " + name + ": " + shape_of(tensor) + " in the model, missing in the file";
    else if (found->second.sizes() != tensor.sizes())
      lines += "\n  " + name + ": " + shape_of(tensor) + " in the model, " + shape_of(found->second) + " in the file";
  }
  for (const auto& [name, tensor] : from)
    if (!to.count(name)) lines += "\n  " + name + ": " + shape_of(tensor) + " in the file, missing in the model";
  return lines;
}

}  // namespace

LoadedModel copy_initial_weights(const std::filesystem::path& file, SegmentationModel& model,
                                 const ComponentConfig& config, host::PluginHost& host, c10::Device device) {
  auto loaded = load_checkpoint(file, host, device);
  if (loaded.config.plugin != config.plugin)
    throw Error("init_from: " + file.string() + " holds model." + loaded.config.plugin + ", but the stage trains model." +
                config.plugin);
  auto to = named_tensors(model);
  const auto from = named_tensors(*loaded.model);
  if (const auto lines = mismatches(to, from); !lines.empty())
    throw Error("init_from: " + file.string() + " does not fit the stage's model." + config.plugin +
                " (its options differ?):" + lines);
  torch::NoGradGuard no_grad;
  for (auto& [name, tensor] : to) tensor.copy_(from.at(name));
  return loaded;
}

}  // namespace crackkd::checkpoints
