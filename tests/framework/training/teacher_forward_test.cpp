// The teacher's forward of a distill stage: on the CPU a frozen graph per input shape that
// answers as the eager teacher does within float rounding, logits and every feature; its
// outputs feed a backward pass; a teacher the tracer cannot reproduce runs eagerly, said.

#include "test_support.hpp"
#include "training/teacher_forward.hpp"

#include <crackkd/model.hpp>

#include <gmock/gmock.h>
#include <torch/torch.h>

using namespace crackkd;
using testing::HasSubstr;

namespace {

void expect_close(const at::Tensor& got, const at::Tensor& expected, const std::string& what) {
  ASSERT_EQ(got.sizes(), expected.sizes()) << what;
  const double scale = std::max(1.0, expected.abs().max().item<double>());
  EXPECT_LE((got - expected).abs().max().item<double>(), 1e-4 * scale) << what;
}

/// A forward that takes one of two paths, in turns, as one branching on its input's values
/// would between two inputs: no trace can reproduce it.
struct BranchingTeacher : SegmentationModel {
  BranchingTeacher() : conv(register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 1, 1)))) {}
  ModelOutput forward(const at::Tensor& images) override {
    auto logits = conv->forward(images) * (calls++ % 2 == 0 ? 2.0 : -1.0);
    return {logits, {logits, logits, logits, logits}};
  }
  std::array<std::int64_t, 4> feature_channels() const override { return {1, 1, 1, 1}; }
  torch::nn::Conv2d conv;
  int calls = 0;
};

}  // namespace

TEST(TeacherForward, AFrozenGraphAnswersAsTheEagerTeacherPerShape) {
  torch::manual_seed(4);
  auto host = test::make_host();
  auto teacher = host->create<SegmentationModel>("model", test::component("tiny_unet", "channels = [4, 8, 8, 8]"));
  for (auto& p : teacher->parameters()) p.set_requires_grad(false);
  training::TeacherForward forward(*teacher, "model.tiny_unet");
  ASSERT_TRUE(forward.frozen());
  for (const auto& images : {at::rand({2, 3, 32, 32}), at::rand({1, 3, 32, 32}), at::rand({2, 3, 64, 32})}) {
    const ModelOutput got = forward(images);
    ModelOutput expected;
    {
      torch::NoGradGuard no_grad;
      expected = teacher->forward(images);
    }
    expect_close(got.logits, expected.logits, "logits");
    ASSERT_EQ(got.features.size(), expected.features.size());
    for (std::size_t k = 0; k < expected.features.size(); ++k)
      expect_close(got.features[k], expected.features[k], "feature " + std::to_string(k + 1));
    // Ordinary tensors: a distiller's loss with them can be differentiated.
    EXPECT_FALSE(got.logits.is_inference());
    const auto weight = torch::ones({1}, torch::requires_grad());
    (weight * got.logits).sum().backward();
    EXPECT_TRUE(weight.grad().defined());
  }
  EXPECT_TRUE(forward.frozen());
}

TEST(TeacherForward, ATeacherNoTraceReproducesRunsEagerlyAndSaysSo) {
  BranchingTeacher teacher;
  training::TeacherForward forward(teacher, "model.branching");
  ModelOutput out;
  const auto log = test::logged([&] { out = forward(at::rand({2, 3, 32, 32})); });
  EXPECT_THAT(log, HasSubstr("teacher model.branching runs eagerly: model.branching cannot be traced"));
  EXPECT_FALSE(forward.frozen());
  EXPECT_EQ(out.logits.sizes(), (std::vector<std::int64_t>{2, 1, 32, 32}));
  EXPECT_EQ(out.features.size(), 4u);
  const int calls = teacher.calls;
  forward(at::rand({2, 3, 32, 32}));
  EXPECT_EQ(teacher.calls, calls + 1) << "eager from then on: the model itself runs";
}
