// encoder_weights of model.pct and model.poolingcrack through the plugin host: state dicts
// with timm's poolformer_s12 names and shapes, in both of timm's layouts (written by
// Python: timm_poolformer_layout.py), load into a PCT shaped as S12; models of another
// shape refuse them, naming the file, the tensor and what to set; a missing file is a
// config error at validation; a trained model's checkpoint loads without the file.

#include "checkpoints/checkpoint.hpp"
#include "plugins/imagenet_reference.hpp"
#include "test_support.hpp"
#include "torch_save_reader.hpp"

#include <crackkd/model.hpp>

#include <gmock/gmock.h>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>

using namespace crackkd;
namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace {

const std::string kS12 =
    "channels = [64, 128, 320, 512]\ndepths = [2, 2, 6, 2]\nmlp_ratio = [4, 4, 4, 4]\n"
    "embedding = \"dense\"\nmlp = \"dense\"\n";
const std::string kSetS12 =
    "for this file set channels = [64, 128, 320, 512], depths = [2, 2, 6, 2], mlp_ratio = [4, 4, 4, 4], "
    "embedding = \"dense\", mlp = \"dense\"";

/// Our tensor and the timm tensor it must equal after loading.
using Pairs = std::vector<std::pair<std::string, std::string>>;

class TimmPoolFormerWeights : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    const std::string command = crackkd::test::torch_python() + " " +
                                (test::source_dir() / "tests/plugins/models/timm_poolformer_layout.py").string() +
                                " " + dir_->path.string();
    ASSERT_EQ(std::system(command.c_str()), 0) << command << " failed: make test installs python3-torch";
  }
  static void TearDownTestSuite() { delete dir_; }

  static fs::path file(const std::string& layout) { return dir_->path / ("s12_" + layout + ".pt"); }
  static std::string weights(const fs::path& f) { return "encoder_weights = \"" + f.string() + "\"\n"; }

  static std::shared_ptr<SegmentationModel> create(const std::string& name, const std::string& options) {
    static auto host = test::make_host();
    return host->create<SegmentationModel>("model", test::component(name, options));
  }

  /// An S12 PCT from `layout`'s file: the tensors of `pairs` equal the file's, the norms
  /// timm lacks keep their initial values, and one log line says so.
  static void expect_loaded(const std::string& layout, const Pairs& pairs, const std::string& unused) {
    std::shared_ptr<SegmentationModel> model;
    const std::string log = test::logged([&] { model = create("pct", kS12 + weights(file(layout))); });
    const auto stored = plugin_common::read_tensor_dict(file(layout));
    const auto ours = model->named_parameters();
    for (const auto& [name, timm] : pairs) {
      ASSERT_TRUE(stored.count(timm)) << timm;
      EXPECT_TRUE(torch::equal(ours[name], stored.at(timm).reshape(ours[name].sizes()))) << name << " vs " << timm;
    }
    EXPECT_TRUE(torch::equal(ours["encoder.stage1.embed.norm.weight"], torch::ones({64})));
    EXPECT_TRUE(torch::equal(ours["encoder.stage4.norm.bias"], torch::zeros({512})));
    EXPECT_THAT(log, AllOf(HasSubstr("model.pct: encoder_weights: loaded 128 encoder tensors from " + file(layout).string()),
                           HasSubstr("8 modules timm has no counterpart for keep their initial values: "
                                     "encoder.stage1.embed.norm, encoder.stage1.norm, encoder.stage2.embed.norm"),
                           HasSubstr("4 of the file's tensors unused (" + unused + ")"),
                           HasSubstr("input_normalisation is \"none\"")));
  }

  static test::TempDir* dir_;
};
test::TempDir* TimmPoolFormerWeights::dir_ = nullptr;

}  // namespace

TEST_F(TimmPoolFormerWeights, TheMetaFormerLayoutLoadsIntoAnS12Pct) {
  expect_loaded("metaformer",
                {{"encoder.stage1.embed.spatial.weight", "stem.conv.weight"},
                 {"encoder.stage1.embed.spatial.bias", "stem.conv.bias"},
                 {"encoder.stage3.embed.spatial.weight", "stages.2.downsample.conv.weight"},
                 {"encoder.stage3.blocks.5.fc1.weight", "stages.2.blocks.5.mlp.fc1.weight"},
                 {"encoder.stage4.blocks.1.norm2.bias", "stages.3.blocks.1.norm2.bias"},
                 {"encoder.stage2.blocks.1.layer_scale1", "stages.1.blocks.1.layer_scale1.scale"}},
                "head.fc.bias, head.fc.weight, head.norm.bias, head.norm.weight");
}

TEST_F(TimmPoolFormerWeights, TheOldPoolFormerLayoutLoadsIntoAnS12Pct) {
  expect_loaded("poolformer",
                {{"encoder.stage1.embed.spatial.weight", "patch_embed.proj.weight"},
                 {"encoder.stage1.embed.spatial.bias", "patch_embed.proj.bias"},
                 {"encoder.stage3.embed.spatial.weight", "network.3.proj.weight"},
                 {"encoder.stage3.blocks.5.fc1.weight", "network.4.5.mlp.fc1.weight"},
                 {"encoder.stage4.blocks.1.norm2.bias", "network.6.1.norm2.bias"},
                 {"encoder.stage2.blocks.1.layer_scale1", "network.2.1.layer_scale_1"}},
                "head.bias, head.weight, norm.bias, norm.weight");
}

TEST_F(TimmPoolFormerWeights, TheDefaultPctSaysItsDepthwiseEmbeddingCannotMatchAndWhatToSet) {
  const auto f = file("metaformer");
  EXPECT_THAT(test::error_of([&] { create("pct", weights(f)); }),
              AllOf(StartsWith("model.pct: encoder_weights: " + f.string() + ": 'stem.conv.weight' has shape [64, 3, 7, 7], "
                               "the encoder's 'encoder.stage1.embed.spatial.weight' is [3, 1, 7, 7]"),
                    HasSubstr("embedding \"depthwise\""), HasSubstr(kSetS12)));
}

TEST_F(TimmPoolFormerWeights, PoolingCrackWithS36DepthsNamesTheDepthMismatch) {
  const auto f = file("poolformer");
  EXPECT_THAT(test::error_of([&] { create("poolingcrack", weights(f)); }),
              AllOf(HasSubstr(f.string() + " has no tensor 'network.0.2.layer_scale_1' for the encoder's "
                                           "'encoder.stage1.blocks.2.layer_scale1' [64, 1, 1]"),
                    HasSubstr("depths [6, 6, 18, 6] where the file has [2, 2, 6, 2]"), HasSubstr(kSetS12)));
}

TEST_F(TimmPoolFormerWeights, AShallowerModelRefusesTheFileRatherThanTakeItsFirstBlocks) {
  const auto f = file("metaformer");
  const std::string shallower = "channels = [64, 128, 320, 512]\ndepths = [2, 2, 2, 2]\nembedding = \"dense\"\n"
                                "mlp_ratio = [4, 4, 4, 4]\n";
  EXPECT_THAT(test::error_of([&] { create("pct", shallower + weights(f)); }),
              AllOf(HasSubstr(f.string() + ": this model has depths [2, 2, 2, 2] where the file has [2, 2, 6, 2]"),
                    HasSubstr(kSetS12)));
}

TEST_F(TimmPoolFormerWeights, AFileThatIsNoPoolFormerIsNamed) {
  c10::Dict<std::string, at::Tensor> dict;
  dict.insert("conv1.weight", torch::zeros({64, 3, 7, 7}));
  const auto other = dir_->path / "resnet.pt";
  const auto bytes = torch::pickle_save(dict);
  std::ofstream(other, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_THAT(test::error_of([&] { create("pct", kS12 + weights(other)); }),
              HasSubstr("encoder_weights: " + other.string() + " is not a timm PoolFormer state dict"));
}

TEST_F(TimmPoolFormerWeights, AMissingFileIsAConfigErrorAndTheFileIsInTheFingerprint) {
  auto host = test::make_host();
  EXPECT_THAT(test::config_error([&] {
                host->validate("model", test::component("pct", "encoder_weights = \"/nonexistent/poolformer_s12.pt\""));
              }),
              HasSubstr("encoder_weights: no such file '/nonexistent/poolformer_s12.pt'"));
  const auto& pct = host->entry("model", "pct");
  EXPECT_THAT(pct.input_fingerprint(test::params_from(weights(file("metaformer")))),
              StartsWith(file("metaformer").string() + " "));
  EXPECT_EQ(pct.input_fingerprint(test::params_from("")), "");
}

// The file sets where training starts; the checkpoint holds where it ended. A trained
// model goes to another machine (infer, export) without the ImageNet file.
TEST_F(TimmPoolFormerWeights, ACheckpointOfAStartedModelLoadsWithoutTheWeightsFile) {
  const auto moved = dir_->path / "copied_s12.pt";
  fs::copy_file(file("metaformer"), moved, fs::copy_options::overwrite_existing);
  auto host = test::make_host();
  const auto config = test::component("pct", kS12 + weights(moved));
  auto model = host->create<SegmentationModel>("model", config);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.add_(0.5);  // trained away from the file
  }
  const auto checkpoint = dir_->path / "trained.pt";
  checkpoints::save_checkpoint(checkpoint, *model, config, 3, "train", 0.5);
  fs::remove(moved);

  const auto loaded = checkpoints::load_checkpoint(checkpoint, *host, c10::Device(c10::kCPU));
  EXPECT_EQ(loaded.config.params.at("encoder_weights").string_value, moved.string());  // what it started from
  const auto ours = model->named_parameters();
  const auto theirs = loaded.model->named_parameters();
  ASSERT_EQ(ours.size(), theirs.size());
  for (const auto& p : ours) EXPECT_TRUE(torch::equal(p.value(), theirs[p.key()])) << p.key();
}

// ImageNet weights learnt on standardised images: with input_normalisation = "imagenet"
// the model standardises its [0, 1] input itself, and says nothing; without, it warns.
TEST_F(TimmPoolFormerWeights, ImagenetInputNormalisationStandardisesInsideTheModel) {
  const std::string options = kS12 + weights(file("metaformer"));
  std::shared_ptr<SegmentationModel> standardising, plain;
  torch::manual_seed(4);
  const std::string log = test::logged([&] { standardising = create("pct", options + "input_normalisation = \"imagenet\"\n"); });
  EXPECT_THAT(log, AllOf(HasSubstr("loaded 128 encoder tensors"), ::testing::Not(HasSubstr("input_normalisation"))));
  torch::manual_seed(4);
  plain = create("pct", options);
  test::expect_standardises_its_input(*standardising, *plain, "pct");
}
