// model.poolingcrack and model.pct through the plugin host: the sizes METHODS.md counts,
// output shapes for square and non-square inputs, and the features the distillers read.

#include "metrics/model_cost.hpp"
#include "test_support.hpp"

#include <crackkd/model.hpp>

#include <gmock/gmock.h>
#include <torch/torch.h>

using namespace crackkd;

namespace {
std::shared_ptr<SegmentationModel> model(const std::string& name, const std::string& options = "") {
  static auto host = test::make_host();
  return host->create<SegmentationModel>("model", test::component(name, options));
}
}  // namespace

TEST(PoolingCrackModels, ParameterCountsMatchTheCountedSizes) {
  EXPECT_EQ(metrics::count_parameters(*model("poolingcrack")), 31478345);
  EXPECT_EQ(metrics::count_parameters(*model("pct")), 498271);
  // Variant A: depth-wise MLPs with ratio 1, D = 96, G = 1, 3x3 head.
  EXPECT_EQ(metrics::count_parameters(*model(
                "pct", "mlp = \"depthwise\"\nmlp_ratio = [1, 1, 1, 1]\ndecoder_width = 96\ndeform_groups = 1\nhead = \"3x3\"")),
            536872);
}

TEST(PoolingCrackModels, PctMacsAt448MatchThePaper) {
  auto pct = model("pct");
  pct->eval();
  torch::NoGradGuard no_grad;
  const auto macs = metrics::count_macs([&] { pct->forward(torch::zeros({1, 3, 448, 448})); });
  EXPECT_NEAR(static_cast<double>(macs), 2.716e9, 0.01e9);
}

TEST(PoolingCrackModels, ShapesForSquareAndNonSquareInputs) {
  auto pct = model("pct");
  pct->eval();
  torch::NoGradGuard no_grad;
  for (auto [h, w] : std::vector<std::pair<std::int64_t, std::int64_t>>{{224, 224}, {448, 448}, {320, 480}}) {
    auto out = pct->forward(torch::rand({1, 3, h, w}));
    EXPECT_EQ(out.logits.sizes(), (std::vector<std::int64_t>{1, 1, h, w}));
    ASSERT_EQ(out.features.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
      const std::int64_t stride = 4 << i;
      EXPECT_EQ(out.features[i].sizes(),
                (std::vector<std::int64_t>{1, pct->feature_channels()[i], h / stride, w / stride}));
    }
  }
  EXPECT_EQ(pct->feature_channels(), (std::array<std::int64_t, 4>{48, 96, 192, 384}));
}

TEST(PoolingCrackModels, TeacherFeaturesHaveTheDeclaredChannels) {
  auto teacher = model("poolingcrack");
  teacher->eval();
  torch::NoGradGuard no_grad;
  auto out = teacher->forward(torch::rand({1, 3, 224, 224}));
  EXPECT_EQ(out.logits.sizes(), (std::vector<std::int64_t>{1, 1, 224, 224}));
  EXPECT_EQ(teacher->feature_channels(), (std::array<std::int64_t, 4>{64, 128, 320, 512}));
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(out.features[i].size(1), teacher->feature_channels()[i]);
}

TEST(PoolingCrackModels, TrainsOneStepWithGradientsEverywhere) {
  auto pct = model("pct", "depths = [1, 1, 1, 1]");
  pct->train();
  auto out = pct->forward(torch::rand({2, 3, 64, 64}));
  (out.logits.sigmoid().mean() + out.features[3].mean()).backward();
  for (const auto& p : pct->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
  }
}

TEST(PoolingCrackModels, InconsistentOptionsAreRejectedBeforeConstruction) {
  auto host = test::make_host();
  EXPECT_THAT(test::config_error([&] { host->validate("model", test::component("pct", "decoder_width = 50")); }),
              ::testing::HasSubstr("decoder_width (50) must be a multiple of deform_groups (8)"));
}
