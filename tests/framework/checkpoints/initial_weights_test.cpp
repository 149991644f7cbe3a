// Fine-tuning's start: a stage's model takes a checkpoint's weights tensor by tensor, and
// a checkpoint of another model or other options is refused naming every tensor that
// differs, with both shapes.

#include "checkpoints/initial_weights.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>
#include <torch/torch.h>

using namespace crackkd;
using ::testing::HasSubstr;

namespace {

ComponentConfig tiny(const std::string& channels) { return test::component("tiny_unet", "channels = " + channels); }

}  // namespace

TEST(InitialWeights, TheModelStartsFromExactlyTheCheckpointsTensors) {
  test::TempDir dir;
  auto host = test::make_host();
  const auto config = tiny("[4, 8, 8, 8]");
  torch::manual_seed(1);
  auto trained = host->create<SegmentationModel>("model", config);
  checkpoints::save_checkpoint(dir.path / "trained.pt", *trained, config, 7, "masonry/train");
  torch::manual_seed(2);  // another initialisation, which the copy replaces
  auto model = host->create<SegmentationModel>("model", config);
  const auto start = checkpoints::copy_initial_weights(dir.path / "trained.pt", *model, config, *host, c10::Device(c10::kCPU));
  EXPECT_EQ(start.epoch, 7);
  EXPECT_EQ(start.trained_by, "masonry/train");
  const auto from = trained->named_parameters(), to = model->named_parameters();
  ASSERT_EQ(from.size(), to.size());
  for (const auto& p : from) EXPECT_TRUE(torch::equal(p.value(), to[p.key()])) << p.key();
  const auto buffers = trained->named_buffers(), copied = model->named_buffers();
  for (const auto& b : buffers) EXPECT_TRUE(torch::equal(b.value(), copied[b.key()])) << b.key();
}

TEST(InitialWeights, AnotherModelsCheckpointIsRefusedNamingEveryTensorThatDiffers) {
  test::TempDir dir;
  auto host = test::make_host();
  const auto wide = tiny("[8, 8, 8, 8]");
  auto trained = host->create<SegmentationModel>("model", wide);
  checkpoints::save_checkpoint(dir.path / "wide.pt", *trained, wide, 3);
  const auto config = tiny("[4, 8, 8, 8]");
  auto model = host->create<SegmentationModel>("model", config);
  const auto message = test::error_of(
      [&] { checkpoints::copy_initial_weights(dir.path / "wide.pt", *model, config, *host, c10::Device(c10::kCPU)); });
  EXPECT_THAT(message, HasSubstr("init_from: " + (dir.path / "wide.pt").string() +
                                 " does not fit the stage's model.tiny_unet (its options differ?):"));
  EXPECT_THAT(message, HasSubstr("\n  encoder.0.body.0.weight: [4, 4, 3, 3] in the model, [8, 4, 3, 3] in the file\n"));
  EXPECT_THAT(message, HasSubstr("\n  encoder.0.body.1.bias: [4] in the model, [8] in the file\n"));
}
