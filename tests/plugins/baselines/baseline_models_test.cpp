// The baseline model plugins through the plugin host: the parameter counts of the seed
// paper's tables, logits at input size with four features at strides 4 … 32 (what every
// distiller reads), training steps that move the weights, and encoder_weights errors.

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

struct Expected {
  const char* name;
  std::int64_t params;
  double paper_millions;
};
const Expected kBaselines[] = {{"unet_resnet18", 14328209, 14.3}, {"mobilenetv2", 4215425, 4.2}, {"efficientnet_b0", 5347325, 5.8},
                              {"mobileone", 6270145, 6.3}, {"mobilevit", 1849713, 1.9}};

}  // namespace

TEST(BaselineModels, ParameterCountsWithinFifteenPercentOfThePaper) {
  for (const auto& b : kBaselines) {
    const auto params = metrics::count_parameters(*model(b.name));
    EXPECT_EQ(params, b.params) << b.name;
    EXPECT_NEAR(static_cast<double>(params) / 1e6, b.paper_millions, 0.15 * b.paper_millions) << b.name;
  }
}

TEST(BaselineModels, LogitsAtInputSizeAndFeaturesAtStrides4To32) {
  for (const auto& b : kBaselines) {
    auto m = model(b.name);
    m->eval();
    torch::NoGradGuard no_grad;
    const auto out = m->forward(torch::rand({2, 3, 64, 96}));
    EXPECT_EQ(out.logits.sizes(), (std::vector<std::int64_t>{2, 1, 64, 96})) << b.name;
    ASSERT_EQ(out.features.size(), 4u) << b.name;
    for (std::size_t i = 0; i < 4; ++i) {
      const std::int64_t stride = 4 << i;
      EXPECT_EQ(out.features[i].sizes(),
                (std::vector<std::int64_t>{2, m->feature_channels()[i], 64 / stride, 96 / stride}))
          << b.name << " feature " << i;
    }
  }
}

TEST(BaselineModels, ATrainingStepReachesEveryParameter) {
  torch::manual_seed(0);
  for (const auto& b : kBaselines) {
    // Stochastic depth may drop a block's branch for the whole batch: not in this test.
    auto m = model(b.name, std::string(b.name) == "efficientnet_b0" ? "drop_path = 0.0" : "");
    m->train();
    const auto out = m->forward(torch::rand({2, 3, 64, 64}));
    (out.logits.mean() + out.features[3].mean()).backward();
    std::size_t without_gradient = 0;
    for (const auto& p : m->named_parameters())
      if (!p.value().grad().defined() || p.value().grad().abs().sum().item<double>() == 0) ++without_gradient;
    EXPECT_EQ(without_gradient, 0u) << b.name;
  }
}

TEST(BaselineModels, ABatchOfOneImageTrains) {  // an epoch's odd last batch
  for (const auto& b : kBaselines) {
    auto m = model(b.name);
    m->train();
    EXPECT_NO_THROW(m->forward(torch::rand({1, 3, 64, 64})).logits.mean().backward()) << b.name;
  }
}

TEST(BaselineModels, AMissingEncoderWeightsFileIsAConfigErrorNamingTheKey) {
  auto host = test::make_host();
  const auto message = test::config_error([&] {
    host->validate("model", test::component("mobilenetv2", "encoder_weights = \"/nonexistent/mnv2.pt\""));
  });
  EXPECT_THAT(message, ::testing::HasSubstr("encoder_weights: no such file '/nonexistent/mnv2.pt'"));
}
