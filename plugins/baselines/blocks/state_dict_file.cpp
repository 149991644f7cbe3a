#include "blocks/state_dict_file.hpp"

#include "torch_save_reader.hpp"

#include <torch/torch.h>

#include <map>
#include <sstream>
#include <stdexcept>

namespace crackkd::baselines {

namespace {

std::string shape(const at::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

}  // namespace

StateDictLoad load_state_dict_file(torch::nn::Module& module, const std::filesystem::path& file) {
  const std::map<std::string, at::Tensor> stored = plugin_common::read_tensor_dict(file);
  // Check everything first, then copy: a bad file leaves the module as it was.
  std::vector<std::pair<at::Tensor, at::Tensor>> copies;
  std::map<std::string, bool> used;
  const auto take = [&](const std::string& name, const at::Tensor& target) {
    const auto found = stored.find(name);
    if (found == stored.end()) throw std::runtime_error(file.string() + ": no tensor '" + name + "'");
    if (found->second.sizes() != target.sizes())
      throw std::runtime_error(file.string() + ": tensor '" + name + "' has shape " + shape(found->second) +
                               ", the encoder needs " + shape(target));
    copies.emplace_back(target, found->second);
    used[name] = true;
  };
  for (const auto& p : module.named_parameters()) take(p.key(), p.value());
  for (const auto& b : module.named_buffers()) take(b.key(), b.value());
  torch::NoGradGuard no_grad;
  for (auto& [target, source] : copies) target.copy_(source.to(target.device(), target.dtype()));
  StateDictLoad result;
  result.loaded = copies.size();
  for (const auto& [name, tensor] : stored)
    if (!used.count(name)) result.unused.push_back(name);
  return result;
}

}  // namespace crackkd::baselines
