#include "inference/inference_model.hpp"

#include "checkpoints/checkpoint.hpp"
#include "deploy/traced_model.hpp"
#include "inference/chosen_threshold.hpp"

#include <crackkd/error.hpp>

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/import.h>
#include <torch/nn/functional/padding.h>
#include <torch/torch.h>

#include <algorithm>
#include <fstream>
#include <map>

namespace crackkd::inference {

namespace {

namespace fs = std::filesystem;
using torch::jit::Module;

std::string engine_suffix(Engine engine) { return engine == Engine::Frozen ? ", frozen graph" : ", eager"; }

/// A checkpoint's model traced and frozen per input shape.
std::function<at::Tensor(const at::Tensor&)> frozen_traces(std::shared_ptr<SegmentationModel> model, const std::string& name) {
  auto cache = std::make_shared<std::map<std::vector<std::int64_t>, Module>>();
  return [model, name, cache](const at::Tensor& images) {
    const auto key = images.sizes().vec();
    auto found = cache->find(key);
    if (found == cache->end()) {
      const deploy::InputShape shape{key[0], key[2], key[3], false};
      auto traced = deploy::trace_logits(*model, shape, name, /*check_shape=*/false);
      found = cache->emplace(key, deploy::frozen_for_inference(traced)).first;
    }
    return found->second.forward({images}).toTensor();
  };
}

}  // namespace

InferenceModel inference_model_of(const checkpoints::LoadedModel& loaded, const fs::path& file, Engine engine) {
  loaded.model->eval();
  InferenceModel m;
  m.stride = loaded.model->input_stride();
  m.threshold = loaded.threshold;
  m.threshold_from = "the checkpoint (its training stage's)";
  if (const auto chosen = read_chosen_threshold(file)) {
    m.threshold = chosen->threshold;
    m.threshold_from = chosen->chosen_by + " (" + chosen_threshold_file(file).string() + ")";
  }
  const std::string name = "model." + loaded.config.plugin;
  m.description = name + " (epoch " + std::to_string(loaded.epoch) + ") from " + file.string();
  if (engine == Engine::Frozen) {
    m.logits = frozen_traces(loaded.model, name);
  } else {
    auto model = loaded.model;
    m.logits = [model](const at::Tensor& images) { return model->forward(images).logits; };
  }
  m.description += engine_suffix(engine);
  return m;
}

namespace {

/// Runs a fixed-shape module on any batch of images no larger than its shape.
at::Tensor run_fixed(Module& module, const std::vector<std::int64_t>& shape, const at::Tensor& images) {
  namespace F = torch::nn::functional;
  const std::int64_t batch = shape[0], h = images.size(2), w = images.size(3);
  std::vector<at::Tensor> parts;
  for (std::int64_t start = 0; start < images.size(0); start += batch) {
    auto part = images.slice(0, start, start + batch);
    const auto n = part.size(0);
    if (h != shape[2] || w != shape[3])
      part = F::pad(part, F::PadFuncOptions({0, shape[3] - w, 0, shape[2] - h}).mode(torch::kReplicate));
    if (n < batch) part = torch::cat({part, part.new_zeros({batch - n, 3, shape[2], shape[3]})});
    parts.push_back(module.forward({part}).toTensor().slice(0, 0, n).slice(2, 0, h).slice(3, 0, w));
  }
  return torch::cat(parts);
}

/// An archive carrying crackkd.json is an export only with the attributes `crackkd export`
/// writes beside it: without them LibTorch's "has no attribute" names neither the file nor
/// what is missing.
void require_export_attributes(const fs::path& file, const Module& module) {
  const std::vector<std::pair<const char*, bool (c10::IValue::*)() const>> wanted = {
      {"crackkd_input_shape", &c10::IValue::isIntList},
      {"crackkd_size_multiple", &c10::IValue::isInt},
      {"crackkd_threshold", &c10::IValue::isDouble},
      {"crackkd_model", &c10::IValue::isString}};
  std::string missing;
  for (const auto& [name, is_type] : wanted)
    if (!module.hasattr(name) || !(module.attr(name).*is_type)()) missing += (missing.empty() ? "" : ", ") + std::string(name);
  if (!missing.empty())
    throw Error(file.string() + " carries crackkd.json but lacks the attributes of a crackkd export (" + missing +
                "): it was not written by `crackkd export`; export its checkpoint again");
}

InferenceModel from_export(const fs::path& file, Module module, Engine engine) {
  require_export_attributes(file, module);
  InferenceModel m;
  const auto shape = module.attr("crackkd_input_shape").toIntList().vec();
  m.stride = module.attr("crackkd_size_multiple").toInt();
  m.threshold = module.attr("crackkd_threshold").toDouble();
  m.threshold_from = "the export (crackkd export --threshold, else its checkpoint's)";
  m.description = module.attr("crackkd_model").toStringRef() + " exported in " + file.string();
  m.description += engine_suffix(engine);
  auto runnable = std::make_shared<Module>(engine == Engine::Frozen ? deploy::frozen_for_inference(module) : module);
  if (module.hasattr("crackkd_tile_overlap") && module.attr("crackkd_tile_overlap").isInt())
    m.tile_overlap = module.attr("crackkd_tile_overlap").toInt();  // exports before 2026-12-07 lack it
  if (shape[2] < 0) {
    m.logits = [runnable](const at::Tensor& images) { return runnable->forward({images}).toTensor(); };
    return m;
  }
  m.tile_height = shape[2], m.tile_width = shape[3];
  m.logits = [runnable, shape, file](const at::Tensor& images) {
    if (images.size(2) > shape[2] || images.size(3) > shape[3])
      throw Error(file.string() + " takes images up to " + std::to_string(shape[3]) + "x" + std::to_string(shape[2]) +
                  " (width x height), got " + std::to_string(images.size(3)) + "x" + std::to_string(images.size(2)));
    return run_fixed(*runnable, shape, images);
  };
  return m;
}

}  // namespace

Engine engine_named(const std::string& name) {
  if (name == "eager") return Engine::Eager;
  if (name == "frozen") return Engine::Frozen;
  throw ConfigError({}, "engine '" + name + "': expected eager or frozen");
}

bool is_exported_model(const fs::path& file) {
  try {
    caffe2::serialize::PyTorchStreamReader archive(file.string());
    return archive.hasRecord("extra/crackkd.json");
  } catch (const c10::Error&) {
    return false;  // not a TorchScript archive: load_checkpoint says what it is
  }
}

void require_torch_archive(const fs::path& file) {
  char magic[2] = {0, 0};
  std::ifstream(file, std::ios::binary).read(magic, 2);
  if (magic[0] == 'P' && magic[1] == 'K') return;
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
  // An ONNX file is a protobuf ModelProto, whose first field (ir_version) starts 0x08.
  if (extension == ".onnx" || magic[0] == 0x08)
    throw Error(file.string() + " is an ONNX model (crackkd export --format onnx): it runs in ONNX Runtime, as "
                                "sdk/examples/deploy/segment_cracks.js shows; crackkd reads a checkpoint (.pt) or a "
                                "TorchScript export (crackkd export --format torchscript)");
  throw Error(file.string() + " is neither a checkpoint (.pt of a train or distill stage) nor a TorchScript export: "
                              "both are zip archives, and it is not one");
}

InferenceModel load_inference_model(const fs::path& file, host::PluginHost& host, c10::Device device, Engine engine) {
  if (!fs::exists(file)) throw Error("model file " + file.string() + " does not exist");
  require_torch_archive(file);
  if (is_exported_model(file)) {
    Module module;
    try {
      module = torch::jit::load(file.string(), device);
    } catch (const c10::Error& e) {
      throw Error(file.string() + " carries crackkd.json but does not load as a TorchScript export: " +
                  e.what_without_backtrace());
    }
    return from_export(file, std::move(module), engine);
  }
  return inference_model_of(checkpoints::load_checkpoint(file, host, device), file, engine);
}

}  // namespace crackkd::inference
