// The baseline model plugins through the plugin host: the parameter counts of the seed
// paper's tables, logits at input size with four features at strides 4 … 32 (what every
// distiller reads), training steps that move the weights, encoder_weights errors, and a
// started model's input standardisation and checkpoint.

#include "checkpoints/checkpoint.hpp"
#include "metrics/model_cost.hpp"
#include "plugins/imagenet_reference.hpp"
#include "test_support.hpp"

#include <crackkd/model.hpp>

#include <gmock/gmock.h>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <fstream>

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

// ImageNet weights learnt on standardised images: with input_normalisation = "imagenet"
// the model takes [0, 1] images and standardises them itself (so does its export).
TEST(BaselineModels, ImagenetInputNormalisationStandardisesInsideTheModel) {
  for (const char* name : {"unet_resnet18", "mobilenetv2", "efficientnet_b0"}) {
    torch::manual_seed(3);
    auto standardising = model(name, "input_normalisation = \"imagenet\"");
    torch::manual_seed(3);
    auto plain = model(name);
    test::expect_standardises_its_input(*standardising, *plain, name);
  }
  EXPECT_THAT(test::config_error([] { model("mobilenetv2", "input_normalisation = \"imagenet1k\""); }),
              ::testing::HasSubstr("input_normalisation: \"imagenet1k\" is not one of none|imagenet"));
}

// A file in torchvision's names (our encoder's own tensors, saved as a dict) starts the
// encoder; with input_normalisation left at "none" the load warns, and the trained
// model's checkpoint loads once the file is gone.
TEST(BaselineModels, AStartedModelWarnsAboutRawInputAndItsCheckpointGoesWithoutTheFile) {
  test::TempDir dir;
  c10::Dict<std::string, at::Tensor> dict;
  auto source = model("mobilenetv2");
  for (const auto& p : source->named_parameters())
    if (p.key().rfind("encoder.", 0) == 0) dict.insert(p.key().substr(8), p.value().detach());
  for (const auto& b : source->named_buffers())
    if (b.key().rfind("encoder.", 0) == 0) dict.insert(b.key().substr(8), b.value());
  const auto file = dir.path / "mobilenet_v2.pt";
  const auto bytes = torch::pickle_save(dict);
  std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));

  const std::string weights = "encoder_weights = \"" + file.string() + "\"\n";
  EXPECT_THAT(test::logged([&] { model("mobilenetv2", weights); }), ::testing::HasSubstr("input_normalisation is \"none\""));
  std::shared_ptr<SegmentationModel> started;
  EXPECT_THAT(test::logged([&] { started = model("mobilenetv2", weights + "input_normalisation = \"imagenet\""); }),
              ::testing::Not(::testing::HasSubstr("input_normalisation")));

  auto host = test::make_host();
  const auto config = test::component("mobilenetv2", weights + "input_normalisation = \"imagenet\"");
  checkpoints::save_checkpoint(dir.path / "trained.pt", *started, config, 1, "train", 0.5);
  std::filesystem::remove(file);
  const auto loaded = checkpoints::load_checkpoint(dir.path / "trained.pt", *host, c10::Device(c10::kCPU));
  started->eval();
  loaded.model->eval();
  const auto images = torch::rand({1, 3, 64, 64});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(loaded.model->forward(images).logits, started->forward(images).logits));
}
