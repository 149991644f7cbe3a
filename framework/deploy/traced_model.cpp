#include "deploy/traced_model.hpp"

#include "deploy/positive_dims.hpp"
#include "deploy/upsample_scales.hpp"

#include <crackkd/error.hpp>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/passes/shape_analysis.h>
#include <torch/nn/module.h>

#include <cctype>
#include <sstream>

namespace crackkd::deploy {

namespace {

using torch::jit::Module;

/// "crackkd::blocks::PoolingBlockImpl" -> "crackkd_blocks_PoolingBlockImpl": a class name
/// TorchScript accepts (each module gets its own, mangled when it repeats).
std::string class_name_of(const torch::nn::Module& module) {
  std::string name;
  for (const char c : module.name()) {
    const bool word = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (word) name += c;
    else if (!name.empty() && name.back() != '_') name += '_';
  }
  const std::string anonymous = "anonymous_namespace_";  // from "(anonymous namespace)::"
  for (auto at = name.find(anonymous); at != std::string::npos; at = name.find(anonymous)) name.erase(at, anonymous.size());
  return "__torch__.crackkd." + (name.empty() ? std::string("Module") : name);
}

/// A TorchScript module holding the same parameter and buffer tensors as `source`, in
/// the same hierarchy, so the tracer records reads of them as attribute reads (and
/// Python's state_dict() of the exported file has the C++ names).
Module mirror_of(const torch::nn::Module& source, const std::shared_ptr<torch::jit::CompilationUnit>& unit) {
  Module target(c10::QualifiedName(class_name_of(source)), unit, /*shouldMangle=*/true);
  target.register_attribute("training", c10::BoolType::get(), false);
  for (const auto& p : source.named_parameters(/*recurse=*/false))
    if (p.value().defined()) target.register_parameter(p.key(), p.value(), /*is_buffer=*/false);
  for (const auto& b : source.named_buffers(/*recurse=*/false))
    if (b.value().defined()) target.register_buffer(b.key(), b.value());
  for (const auto& child : source.named_children()) target.register_module(child.key(), mirror_of(*child.value(), unit));
  return target;
}

at::Tensor random_images(const InputShape& s, std::uint64_t seed, const c10::Device device) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::rand({s.batch, 3, s.height, s.width}, generator, at::TensorOptions().dtype(at::kFloat)).to(device);
}

c10::Device device_of(SegmentationModel& model) {
  const auto parameters = model.parameters();
  return parameters.empty() ? c10::Device(c10::kCPU) : parameters.front().device();
}

/// The tensors a trace returns: the logits, then (Outputs::All) the features in order.
std::vector<at::Tensor> outputs_of(const ModelOutput& out, Outputs which) {
  std::vector<at::Tensor> tensors{out.logits};
  if (which == Outputs::All) tensors.insert(tensors.end(), out.features.begin(), out.features.end());
  return tensors;
}

/// What a traced method returned, as outputs_of lists it.
std::vector<at::Tensor> tensors_of(const c10::IValue& value) {
  if (!value.isTuple()) return {value.toTensor()};
  std::vector<at::Tensor> tensors;
  for (const auto& element : value.toTupleRef().elements()) tensors.push_back(element.toTensor());
  return tensors;
}

/// The model's outputs at `shape`, traced into the method `method`: the logits alone, or a
/// tuple of the logits and the features.
Module traced_at(SegmentationModel& model, const InputShape& shape, const std::string& method, Outputs which) {
  auto unit = std::make_shared<torch::jit::CompilationUnit>();
  Module module = mirror_of(model, unit);
  const auto example = random_images(shape, 0, device_of(model));
  // One untraced forward first: a model that caches what its inference path derives from
  // its weights (MobileOne's fused branches) fills the cache now, so the trace records
  // the inference path instead of tens of thousands of steps rebuilding the cache.
  model.forward(example);
  const auto no_name = [](const at::Tensor&) { return std::string(); };
  const auto forward = [&](torch::jit::Stack inputs) -> torch::jit::Stack {
    const auto out = model.forward(inputs[0].toTensor());
    if (which == Outputs::Logits) return {out.logits};
    const auto tensors = outputs_of(out, which);
    return {c10::ivalue::Tuple::create(std::vector<c10::IValue>(tensors.begin(), tensors.end()))};
  };
  auto traced = torch::jit::tracer::trace({example}, forward, no_name, /*strict=*/true, /*force_outplace=*/false,
                                          &module, {"images"});
  drop_redundant_upsample_scales(*traced.first->graph);
  make_new_dims_positive(*traced.first->graph);
  auto* function = unit->create_function(c10::QualifiedName(*module.type()->name(), method), traced.first->graph);
  module.type()->addMethod(function);
  return module;
}

/// `forward`: the traced graph behind a check of the input's shape, so that a wrong size
/// is refused with a message instead of failing deep inside the graph or, worse, giving
/// wrong logits.
void define_checked_forward(Module& module, const InputShape& s, std::int64_t multiple, const std::string& model_name) {
  const std::string m = std::to_string(multiple);
  const std::string wrong_size =
      s.dynamic ? "images.size(2) % " + m + " != 0 or images.size(3) % " + m + " != 0"
                : "images.size(0) != " + std::to_string(s.batch) + " or images.size(2) != " + std::to_string(s.height) +
                      " or images.size(3) != " + std::to_string(s.width);
  const std::string advice = s.dynamic ? "pad the sides to multiples of " + m
                                       : "pad or tile other sizes, or export again with --size H W (and --batch N)";
  module.define("def forward(self, images: Tensor) -> Tensor:\n"
                "    assert images.dim() == 4 and images.size(1) == 3 and not (" + wrong_size + "), \"" + model_name +
                " was exported for " + shape_text(s, multiple) + " float RGB images in [0, 1] (" + advice + "); got \" + str(images.size())\n"
                "    return self.traced_forward(images)\n");
}

/// Tracing records one path through the model: one that branches on input values would
/// silently give other outputs on other images. Two fresh inputs must match the model.
void require_faithful_trace(SegmentationModel& model, Module& traced, const std::string& method, const InputShape& shape,
                            const std::string& name, Outputs which) {
  for (const std::uint64_t seed : {1, 2}) {
    const auto images = random_images(shape, seed, device_of(model));
    const auto expected = outputs_of(model.forward(images), which);
    const auto got = tensors_of(traced.get_method(method)({images}));
    if (got.size() != expected.size())
      throw Error(name + " cannot be traced: its graph returns " + std::to_string(got.size()) + " tensors, the model " +
                  std::to_string(expected.size()));
    const std::string refused = name + (which == Outputs::Logits ? " cannot be exported: " : " cannot be traced: ");
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const double difference = (expected[k] - got[k]).abs().max().item<double>();
      const double scale = std::max(1.0, expected[k].abs().max().item<double>());
      if (!(difference <= 1e-4 * scale))
        throw Error(refused + "its traced graph differs from the model by " + std::to_string(difference) +
                    " on a new input, so its forward branches on input values, which a trace cannot record");
    }
  }
}

std::shared_ptr<torch::jit::Graph> shapeless_graph(Module& module, const std::string& method) {
  auto graph = module.get_method(method).graph()->copy();
  torch::jit::EraseShapeInformation(graph);
  return graph;
}

std::string text_of(const torch::jit::Node* node) {
  std::ostringstream s;
  s << *node;
  return s.str();
}

/// The operation a size-dependent constant feeds ("aten::arange"), for the message.
std::string user_kind(const torch::jit::Node* node) {
  for (int hops = 0; hops < 4 && node->outputs().size() == 1 && !node->output()->uses().empty(); ++hops) {
    if (node->kind().is_aten()) break;
    node = node->output()->uses().front().user;
  }
  return node->kind().toQualString();
}

/// Throws unless traces at two different shapes recorded the same graph.
void require_size_free_graph(Module& first, const std::string& method, Module& second, const std::string& name) {
  const auto a = shapeless_graph(first, method), b = shapeless_graph(second, "forward");
  auto ia = a->nodes().begin(), ib = b->nodes().begin();
  for (; ia != a->nodes().end() && ib != b->nodes().end(); ++ia, ++ib)
    if (text_of(*ia) != text_of(*ib)) break;
  if (ia == a->nodes().end() && ib == b->nodes().end()) return;
  const std::string where = ia != a->nodes().end() ? user_kind(*ia) : "the graph's length";
  throw Error(name + " cannot be exported with --dynamic: its traced graph fixes sizes computed from the input (first in " +
              where + "); export at a fixed --size H W and tile or pad larger photos");
}

/// The model in eval mode, without autograd, and a shape it can take, or an error naming both.
void prepare_for_trace(SegmentationModel& model, const InputShape& shape, const std::string& model_name) {
  model.eval();
  const std::int64_t multiple = model.input_stride();
  if (shape.height % multiple != 0 || shape.width % multiple != 0 || shape.batch < 1)
    throw Error("trace of " + model_name + ": size " + std::to_string(shape.height) + "x" + std::to_string(shape.width) +
                " must be positive multiples of the model's stride " + std::to_string(multiple));
}

}  // namespace

Module trace_logits(SegmentationModel& model, const InputShape& shape, const std::string& model_name, bool check_shape) {
  c10::InferenceMode traceable(false);  // callers may run in inference mode; the tracer needs normal tensors
  torch::NoGradGuard no_grad;
  prepare_for_trace(model, shape, model_name);
  const std::string method = check_shape ? "traced_forward" : "forward";
  Module module = traced_at(model, shape, method, Outputs::Logits);
  require_faithful_trace(model, module, method, shape, model_name, Outputs::Logits);
  if (shape.dynamic) {
    const std::int64_t multiple = model.input_stride();
    const InputShape other{shape.batch + 1, shape.height + multiple, shape.width + 2 * multiple, false};
    Module second = traced_at(model, other, "forward", Outputs::Logits);
    require_size_free_graph(module, method, second, model_name);
  }
  if (check_shape) define_checked_forward(module, shape, model.input_stride(), model_name);
  return module;
}

Module trace_outputs(SegmentationModel& model, const InputShape& shape, const std::string& model_name) {
  c10::InferenceMode traceable(false);
  torch::NoGradGuard no_grad;
  prepare_for_trace(model, shape, model_name);
  Module module = traced_at(model, shape, "forward", Outputs::All);
  require_faithful_trace(model, module, "forward", shape, model_name, Outputs::All);
  return module;
}

Module frozen_for_inference(Module module) {
  module.eval();
  auto fixed = torch::jit::freeze(module);
  return torch::jit::optimize_for_inference(fixed);
}

std::string torchscript_bytes(Module& module, const ExportMetadata& metadata) {
  const auto& in = metadata.input;
  const std::int64_t free = -1;
  module.register_attribute("crackkd_input_shape", c10::ListType::ofInts(),
                            c10::List<std::int64_t>({in.dynamic ? free : in.batch, 3, in.dynamic ? free : in.height,
                                                     in.dynamic ? free : in.width}));
  module.register_attribute("crackkd_size_multiple", c10::IntType::get(), metadata.size_multiple);
  module.register_attribute("crackkd_threshold", c10::FloatType::get(), metadata.threshold);
  module.register_attribute("crackkd_tile_overlap", c10::IntType::get(), metadata.tile_overlap);
  module.register_attribute("crackkd_model", c10::StringType::get(), "model." + metadata.model_plugin);
  std::ostringstream bytes;
  module.save(bytes, {{"crackkd.json", to_json(metadata)}});
  return std::move(bytes).str();
}

}  // namespace crackkd::deploy
