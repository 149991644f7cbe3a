// The baseline encoders against torchvision: a torchvision model's state dict (saved by
// Python, as a user brings one) loaded into our encoder gives the same five features.

#include "blocks/efficientnet_b0_encoder.hpp"
#include "blocks/mobilenet_v2_encoder.hpp"
#include "blocks/resnet_encoder.hpp"
#include "blocks/state_dict_file.hpp"
#include "test_support.hpp"
#include "torch_save_reader.hpp"

#include <gmock/gmock.h>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace cb = crackkd::baselines;
namespace fs = std::filesystem;

namespace {

c10::IValue read_pickle(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return torch::pickle_load(bytes);
}

class TorchvisionEquality : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new crackkd::test::TempDir;
    const std::string command = crackkd::test::torch_python() + " " +
                                (crackkd::test::source_dir() / "tests/plugins/baselines/torchvision_reference.py").string() +
                                " " + dir_->path.string();
    ASSERT_EQ(std::system(command.c_str()), 0) << command << " failed: make test installs python3-torchvision";
  }
  static void TearDownTestSuite() { delete dir_; }

  template <class Encoder>
  void expect_equal_features(Encoder encoder, const std::string& name) {
    const auto load = cb::load_state_dict_file(*encoder, dir_->path / (name + ".pt"));
    EXPECT_GT(load.loaded, 0u);
    encoder->eval();
    torch::NoGradGuard no_grad;
    const auto input = read_pickle(dir_->path / "input.pt").toTensor();
    const auto reference = read_pickle(dir_->path / (name + "_features.pt")).toList();
    const auto ours = encoder->forward(input);
    ASSERT_EQ(ours.size(), reference.size());
    for (std::size_t i = 0; i < ours.size(); ++i) {
      const auto expected = reference.get(i).toTensor();
      ASSERT_EQ(ours[i].sizes(), expected.sizes()) << name << " feature " << i;
      EXPECT_LT((ours[i] - expected).abs().max().template item<double>(), 1e-4) << name << " feature " << i;
    }
  }

  static crackkd::test::TempDir* dir_;
};
crackkd::test::TempDir* TorchvisionEquality::dir_ = nullptr;

}  // namespace

TEST_F(TorchvisionEquality, ResNet18) { expect_equal_features(cb::ResNetEncoder(), "resnet18"); }
TEST_F(TorchvisionEquality, MobileNetV2) { expect_equal_features(cb::MobileNetV2Encoder(), "mobilenet_v2"); }
TEST_F(TorchvisionEquality, EfficientNetB0) { expect_equal_features(cb::EfficientNetB0Encoder(), "efficientnet_b0"); }

TEST_F(TorchvisionEquality, AMissingOrMisshapedTensorIsNamedAndChangesNothing) {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& [name, tensor] : crackkd::plugin_common::read_tensor_dict(dir_->path / "resnet18.pt")) dict.insert(name, tensor);
  cb::ResNetEncoder encoder;
  const auto before = encoder->named_parameters()["conv1.weight"].clone();

  auto misshaped = dict.copy();
  misshaped.insert_or_assign("layer2.0.conv1.weight", torch::zeros({3, 3}));
  const auto bad_shape = dir_->path / "misshaped.pt";
  const auto bytes = torch::pickle_save(misshaped);
  std::ofstream(bad_shape, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_THAT(crackkd::test::error_of([&] { cb::load_state_dict_file(*encoder, bad_shape); }),
              ::testing::AllOf(::testing::HasSubstr("misshaped.pt: tensor 'layer2.0.conv1.weight' has shape [3, 3]"),
                               ::testing::HasSubstr("needs [128, 64, 3, 3]")));

  auto missing = dict.copy();
  ASSERT_EQ(missing.erase("bn1.running_var"), 1u);
  const auto no_tensor = dir_->path / "missing.pt";
  const auto bytes2 = torch::pickle_save(missing);
  std::ofstream(no_tensor, std::ios::binary).write(bytes2.data(), static_cast<std::streamsize>(bytes2.size()));
  EXPECT_THAT(crackkd::test::error_of([&] { cb::load_state_dict_file(*encoder, no_tensor); }),
              ::testing::HasSubstr("missing.pt: no tensor 'bn1.running_var'"));
  EXPECT_TRUE(torch::equal(encoder->named_parameters()["conv1.weight"], before));
}
