// Tracing a model into TorchScript, in-process: the saved file reproduces the model, checks
// its input shape, follows other sizes only when its graph is proven free of them, and a
// model whose forward branches on values is refused. The metadata is valid JSON.

#include "deploy/traced_model.hpp"
#include "deploy_files.hpp"
#include "framework/app/cli_runner.hpp"

#include <torch/csrc/jit/serialization/import.h>

#include <gmock/gmock.h>
#include <torch/csrc/jit/ir/constants.h>

#include <sstream>

using namespace crackkd;
using testing::HasSubstr;

namespace {

/// Logits from a 1x1 convolution: no size is computed from the input.
struct PointwiseNet : SegmentationModel {
  PointwiseNet() : conv(register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 1, 1)))) {}
  ModelOutput forward(const at::Tensor& images) override {
    auto logits = conv->forward(images);
    return {logits, {logits, logits, logits, logits}};
  }
  std::array<std::int64_t, 4> feature_channels() const override { return {1, 1, 1, 1}; }
  torch::nn::Conv2d conv;
};

/// A forward that takes one of two paths, in turns: the trace records one, as it would for
/// a forward branching on its input's values.
struct BranchingNet : PointwiseNet {
  ModelOutput forward(const at::Tensor& images) override {
    auto out = PointwiseNet::forward(images);
    out.logits = calls++ % 2 == 0 ? out.logits * 2 : out.logits - 3;
    return out;
  }
  int calls = 0;
};

/// The module saved as `crackkd export` saves it for `shape`, and loaded back.
torch::jit::Module reloaded(torch::jit::Module& module, const deploy::InputShape& shape) {
  deploy::ExportMetadata metadata;
  metadata.input = shape;
  std::istringstream bytes(deploy::torchscript_bytes(module, metadata));
  return torch::jit::load(bytes);
}

std::string error_of_forward(torch::jit::Module& module, const at::Tensor& images) {
  try {
    module.forward({images});
  } catch (const std::exception& e) {  // TorchScript's assertion: a torch::jit::JITException
    return e.what();
  }
  return "";
}

TEST(TracedModel, SavedFileGivesTheModelsLogitsAndRefusesOtherShapes) {
  torch::manual_seed(3);
  PointwiseNet net;
  const deploy::InputShape shape{2, 32, 64, false};
  auto traced = deploy::trace_logits(net, shape, "model.pointwise");
  auto module = reloaded(traced, shape);
  const auto images = torch::rand({2, 3, 32, 64});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(module.forward({images}).toTensor(), net.forward(images).logits, 1e-6, 1e-6));
  EXPECT_THAT(error_of_forward(module, torch::rand({2, 3, 64, 32})),
              HasSubstr("model.pointwise was exported for 2x3x32x64 float RGB images in [0, 1] (pad or tile other sizes, "
                        "or export again with --size H W (and --batch N)); got [2, 3, 64, 32]"));
  EXPECT_THAT(error_of_forward(module, torch::rand({1, 3, 32, 64})), HasSubstr("got [1, 3, 32, 64]"));
  EXPECT_EQ(module.attr("crackkd_input_shape").toIntList().vec(), (std::vector<std::int64_t>{2, 3, 32, 64}));
}

TEST(TracedModel, DynamicShapeFollowsOtherSizesWhenTheGraphHasNoSizeInIt) {
  PointwiseNet net;
  const deploy::InputShape shape{1, 32, 32, true};
  auto traced = deploy::trace_logits(net, shape, "model.pointwise");
  auto module = reloaded(traced, shape);
  torch::NoGradGuard no_grad;
  const auto images = torch::rand({3, 3, 96, 64});
  EXPECT_TRUE(torch::allclose(module.forward({images}).toTensor(), net.forward(images).logits, 1e-6, 1e-6));
  EXPECT_THAT(error_of_forward(module, torch::rand({1, 3, 96, 70})),
              HasSubstr("model.pointwise was exported for Nx3xHxW (H, W multiples of 32)"));
}

/// Logits through an unsqueeze and a stack counted from the back, as shape code often
/// writes them (the deformable convolution's sampling grid: torch::stack({x, y}, -1)).
struct NegativeDimsNet : PointwiseNet {
  ModelOutput forward(const at::Tensor& images) override {
    auto out = PointwiseNet::forward(images);
    const auto both = torch::stack({out.logits.squeeze(1), out.logits.squeeze(1) * 2}, -1);  // N x H x W x 2
    out.logits = both.sum(-1).unsqueeze(-3);
    return out;
  }
};

TEST(TracedModel, CountsNewDimensionsFromTheFront) {
  // OpenCV 4.6's ONNX importer refuses negative Unsqueeze axes (deploy/positive_dims.hpp).
  torch::manual_seed(5);
  NegativeDimsNet net;
  auto module = deploy::trace_logits(net, {2, 32, 64, false}, "model.negative", /*check_shape=*/false);
  int rewritten = 0;
  for (const auto* node : module.get_method("forward").graph()->nodes()) {
    if (node->kind() != c10::aten::unsqueeze && node->kind() != c10::aten::stack) continue;
    ++rewritten;
    EXPECT_EQ(torch::jit::toIValue(node->input(1))->toInt(), node->kind() == c10::aten::stack ? 3 : 1) << *node;
  }
  EXPECT_EQ(rewritten, 2);
  torch::NoGradGuard no_grad;
  const auto images = torch::rand({2, 3, 32, 64});
  EXPECT_TRUE(module.forward({images}).toTensor().equal(net.forward(images).logits));
}

TEST(TracedModel, RefusesAForwardThatBranchesOnValues) {
  BranchingNet net;
  const auto error = test::error_of([&] { deploy::trace_logits(net, {1, 32, 32, false}, "model.branching"); });
  EXPECT_THAT(error, HasSubstr("model.branching cannot be exported: its traced graph differs from the model"));
  EXPECT_THAT(error, HasSubstr("branches on input values"));
}

TEST(ExportMetadata, IsJsonThatPythonReads) {
  deploy::ExportMetadata m;
  m.model_plugin = "pct";
  m.model_options = "channels = [48, 96]\nhead = \"1x1\"\tname = 'a\\b'";
  m.origin = "walls/student/seed-1";
  m.input = {2, 64, 96, false};
  m.threshold = 0.4;
  test::TempDir dir;
  const auto file = dir.write("m.json", deploy::to_json(m));
  const auto options = dir.path / "options.txt";
  const auto read = test::run_shell(test::torch_python() +
                                    " -c \"import json,sys; d=json.load(open(sys.argv[1])); open(sys.argv[2],'w').write("
                                    "d['model']['options']); print(d['input']['shape'], d['threshold'], "
                                    "d['source']['trained_by'])\" " + file.string() + " " + options.string());
  EXPECT_EQ(read.code, 0) << read.out;
  EXPECT_EQ(read.out, "[2, 3, 64, 96] 0.4 walls/student/seed-1\n");
  EXPECT_EQ(test::read_file(options), m.model_options);
}

}  // namespace
