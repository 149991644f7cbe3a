// `crackkd inspect MODEL`: parameters in total and per top-level part, and a shape check
// of one forward pass at --size. MODEL is a model plugin name (options via --set) or a
// checkpoint file. MACs and latency are measured by the models issue's inspect.

#include "app/commands.hpp"
#include "app/host_setup.hpp"
#include "engine/checkpoint.hpp"
#include "pipeline/toml_params.hpp"

#include <crackkd/model.hpp>

#include <torch/torch.h>

#include <iostream>
#include <sstream>

namespace crackkd::app {

namespace {

std::int64_t count_parameters(const torch::nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

std::string shape_json(const at::Tensor& t) {
  std::string s = "[";
  for (std::size_t i = 0; i < t.sizes().size(); ++i) s += (i ? ", " : "") + std::to_string(t.sizes()[i]);
  return s + "]";
}

}  // namespace

int inspect_command(const Common& common, const InspectArgs& args) {
  auto host = scanned_host(common);
  std::shared_ptr<SegmentationModel> model;
  std::string label = args.model;
  if (args.model.size() > 3 && args.model.substr(args.model.size() - 3) == ".pt") {
    auto loaded = engine::load_checkpoint(args.model, *host, c10::Device(c10::kCPU));
    model = loaded.model;
    label = "model." + loaded.config.plugin + " from " + args.model;
  } else {
    ComponentConfig config;
    config.plugin = args.model;
    config.where = {"inspect " + args.model, 0, 0};
    config.params = Params("model", config.where);
    for (const auto& o : args.options) pipeline::apply_override(config.params, o);
    model = host->create<SegmentationModel>("model", config);
    label = "model." + args.model;
  }
  model->eval();
  torch::NoGradGuard no_grad;
  const auto out = model->forward(torch::zeros({1, 3, args.size, args.size}));

  std::vector<std::pair<std::string, std::int64_t>> parts;
  for (const auto& child : model->named_children()) parts.emplace_back(child.key(), count_parameters(*child.value()));
  const std::int64_t total = count_parameters(*model);
  if (args.json) {
    std::ostringstream j;
    j << "{\"model\": \"" << label << "\", \"params\": " << total << ", \"params_per_part\": {";
    for (std::size_t i = 0; i < parts.size(); ++i) j << (i ? ", " : "") << "\"" << parts[i].first << "\": " << parts[i].second;
    j << "}, \"input\": [1, 3, " << args.size << ", " << args.size << "], \"logits\": " << shape_json(out.logits)
      << ", \"features\": [";
    for (std::size_t i = 0; i < out.features.size(); ++i) j << (i ? ", " : "") << shape_json(out.features[i]);
    j << "]}";
    std::cout << j.str() << std::endl;
    return 0;
  }
  std::cout << label << "\n  parameters: " << total << "\n";
  for (const auto& [name, n] : parts) std::cout << "    " << name << ": " << n << "\n";
  std::cout << "  input 1x3x" << args.size << "x" << args.size << " -> logits " << shape_json(out.logits) << "\n";
  for (std::size_t i = 0; i < out.features.size(); ++i)
    std::cout << "  feature " << i + 1 << " (stride " << (4 << i) << "): " << shape_json(out.features[i]) << "\n";
  return 0;
}

}  // namespace crackkd::app
