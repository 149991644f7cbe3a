#include "training/teacher_forward.hpp"

#include "data/batching.hpp"
#include "deploy/traced_model.hpp"
#include "runtime/mixed_precision.hpp"

#include <crackkd/error.hpp>

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <map>
#include <vector>

namespace crackkd::training {

struct TeacherForward::Graphs {
  std::map<std::vector<std::int64_t>, torch::jit::Module> by_shape;
};

namespace {

/// The tensors of a ModelOutput, cloned out of inference mode.
ModelOutput copied(const ModelOutput& out) {
  ModelOutput copy;
  copy.logits = out.logits.clone();
  for (const auto& f : out.features) copy.features.push_back(f.clone());
  return copy;
}

}  // namespace

TeacherForward::TeacherForward(SegmentationModel& teacher, std::string name, bool frozen)
    : teacher_(teacher), name_(std::move(name)) {
  teacher_.eval();
  const auto parameters = teacher_.parameters();
  const bool on_cpu = parameters.empty() || parameters.front().device().is_cpu();
  if (frozen && on_cpu) graphs_ = std::make_unique<Graphs>();
}

TeacherForward::~TeacherForward() = default;

ModelOutput TeacherForward::operator()(const at::Tensor& images) {
  const std::int64_t stride = teacher_.input_stride();
  const bool fits = images.size(2) % stride == 0 && images.size(3) % stride == 0;
  ModelOutput out;
  if (!graphs_ || !fits || runtime::autocast_on(c10::DeviceType::CPU)) {
    torch::InferenceMode inference;
    out = data::forward_padded(teacher_, images);
  } else if (auto* graph = graph_for(images)) {
    torch::InferenceMode inference;
    const auto tuple = graph->forward({images}).toTuple();
    out.logits = tuple->elements().at(0).toTensor();
    for (std::size_t k = 1; k < tuple->elements().size(); ++k) out.features.push_back(tuple->elements()[k].toTensor());
  } else {
    return (*this)(images);  // eager from now on
  }
  return copied(out);  // outside inference mode: ordinary tensors
}

/// The frozen graph for `images`' shape, traced on first use; null (and eager from then
/// on) when the teacher cannot be traced.
torch::jit::Module* TeacherForward::graph_for(const at::Tensor& images) {
  const auto key = images.sizes().vec();
  auto found = graphs_->by_shape.find(key);
  if (found != graphs_->by_shape.end()) return &found->second;
  try {
    const deploy::InputShape shape{key[0], key[2], key[3], false};
    auto graph = deploy::frozen_for_inference(deploy::trace_outputs(teacher_, shape, name_));
    spdlog::debug("teacher {}: frozen graph for {}x{}x{}x{}", name_, key[0], key[1], key[2], key[3]);
    return &graphs_->by_shape.emplace(key, std::move(graph)).first->second;
  } catch (const std::exception& e) {  // Error from the trace check, c10::Error from the tracer
    spdlog::warn("teacher {} runs eagerly: {}", name_, e.what());
    graphs_.reset();
    return nullptr;
  }
}

}  // namespace crackkd::training
