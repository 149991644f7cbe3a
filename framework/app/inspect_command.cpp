// `crackkd inspect MODEL`: parameters (total and per part), multiply-accumulates counted
// from one real forward pass, and batch-1 latency (3 warm-up forwards, then the median and
// 90th percentile of --runs), at --size on --device. MODEL is a model plugin name
// (options via --set) or a checkpoint file.

#include "app/commands.hpp"
#include "app/host_setup.hpp"
#include "checkpoints/checkpoint.hpp"
#include "inference/inference_model.hpp"
#include "metrics/model_cost.hpp"
#include "pipeline/toml_params.hpp"
#include "runtime/device.hpp"

#include <crackkd/model.hpp>

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <iostream>
#include <sstream>

namespace crackkd::app {

namespace {

std::string shape_json(const at::Tensor& t) {
  std::string s = "[";
  for (std::size_t i = 0; i < t.sizes().size(); ++i) s += (i ? ", " : "") + std::to_string(t.sizes()[i]);
  return s + "]";
}

/// Parameters of each direct child, and of each grandchild ("encoder.stage1"), so a
/// model's stages show without the framework knowing the model.
std::vector<std::pair<std::string, std::int64_t>> parameters_per_part(const torch::nn::Module& model) {
  std::vector<std::pair<std::string, std::int64_t>> parts;
  for (const auto& child : model.named_children()) {
    auto grandchildren = child.value()->named_children();
    if (grandchildren.is_empty()) parts.emplace_back(child.key(), metrics::count_parameters(*child.value()));
    for (const auto& g : grandchildren)
      parts.emplace_back(child.key() + "." + g.key(), metrics::count_parameters(*g.value()));
  }
  return parts;
}

}  // namespace

int inspect_command(const Common& common, const InspectArgs& args) {
  auto host = scanned_host(common);
  const auto device = runtime::resolve_device(args.device);
  std::shared_ptr<SegmentationModel> model;
  std::string label;
  std::error_code ec;
  const bool is_file = std::filesystem::is_regular_file(args.model, ec);
  if (is_file) inference::require_torch_archive(args.model);
  if (is_file || (args.model.size() > 3 && args.model.substr(args.model.size() - 3) == ".pt")) {
    auto loaded = checkpoints::load_checkpoint(args.model, *host, device);
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
  const auto cost = metrics::measure_model_cost(*model, device, args.size, args.size, 3, args.runs);
  const auto& latency = cost.latency;
  const std::int64_t macs = cost.macs, total = cost.params;
  const auto parts = parameters_per_part(*model);
  torch::InferenceMode inference;
  const ModelOutput out = model->forward(torch::rand({1, 3, args.size, args.size}, torch::TensorOptions().device(device)));

  if (args.json) {
    std::ostringstream j;
    j << "{\"model\": \"" << label << "\", \"input\": [1, 3, " << args.size << ", " << args.size
      << "], \"device\": \"" << device.str() << "\", \"threads\": " << at::get_num_threads()
      << ", \"params\": " << total << ", \"params_per_part\": {";
    for (std::size_t i = 0; i < parts.size(); ++i) j << (i ? ", " : "") << "\"" << parts[i].first << "\": " << parts[i].second;
    j << "}, \"flops\": " << macs << ", \"latency_ms\": " << latency.median_ms << ", \"latency_p90_ms\": "
      << latency.p90_ms << ", \"latency_runs\": " << latency.runs << ", \"logits\": " << shape_json(out.logits)
      << ", \"features\": [";
    for (std::size_t i = 0; i < out.features.size(); ++i) j << (i ? ", " : "") << shape_json(out.features[i]);
    j << "]}";
    std::cout << j.str() << std::endl;
    return 0;
  }
  std::printf("%s at 1x3x%lldx%lld on %s (%d threads)\n", label.c_str(), static_cast<long long>(args.size),
              static_cast<long long>(args.size), device.str().c_str(), at::get_num_threads());
  std::printf("  parameters  %lld (%.3f M)\n", static_cast<long long>(total), static_cast<double>(total) / 1e6);
  for (const auto& [name, n] : parts) std::printf("    %-22s %lld\n", name.c_str(), static_cast<long long>(n));
  std::printf("  MACs        %lld (%.3f G, counted from the forward pass)\n", static_cast<long long>(macs),
              static_cast<double>(macs) / 1e9);
  std::printf("  latency     median %.2f ms, p90 %.2f ms over %d batch-1 forwards\n", latency.median_ms,
              latency.p90_ms, latency.runs);
  std::printf("  logits      %s\n", shape_json(out.logits).c_str());
  for (std::size_t i = 0; i < out.features.size(); ++i)
    std::printf("  feature %zu   %s (stride %d)\n", i + 1, shape_json(out.features[i]).c_str(), 4 << i);
  return 0;
}

}  // namespace crackkd::app
