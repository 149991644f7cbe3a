// Paired comparisons: training stages naming the same `stream` start from the same
// initial weights and see the same batches, augmentations and noise draws, so two such
// stages of one model and loss end bit-identical; a stage on its own stream does not.
// Distill stages of one stream with `teacher_cache` share the teacher's outputs.

#include "checkpoints/checkpoint.hpp"
#include "pipeline/pipeline.hpp"
#include "runner/plan.hpp"
#include "runner/runner.hpp"
#include "test_support.hpp"
#include "tiny_pipeline.hpp"

#include <ATen/ATen.h>
#include <gmock/gmock.h>

using namespace crackkd;
namespace fs = std::filesystem;

namespace {

const std::string kData =
    test::TinyPipeline{.name = "paired", .seed = 3, .train_images = 4, .size = 32, .channels = "[4, 4, 4, 4]"}.text() +
    R"(
[noises.salt]
plugin = "salt"
)";

const char* kTrainStages = R"(
[stages.a]
kind = "train"
model = "unet"
data = "train"
epochs = 2
batch_size = 2
stream = "students"
augment = [{ plugin = "hflip" }, { plugin = "color_jitter" }]
noise_mix = { noises = ["salt"] }

[stages.b]
extends = "a"

[stages.own]
extends = "a"
stream = ""
)";

const char* kTeacherStage = R"(
[stages.teacher]
kind = "train"
model = "unet"
data = "train"
epochs = 1
)";

const char* kDistillStages = R"(
[stages.d1]
kind = "distill"
teacher = "teacher"
student = "unet"
data = "train"
epochs = 2
batch_size = 2
stream = "students"
teacher_cache = true
augment = [{ plugin = "color_jitter" }]
noise_mix = { noises = ["salt"] }

[stages.d2]
extends = "d1"
)";

// Without augmentation, the clean image of a noisy copy is its original: a teacher shown
// clean images meets only the 4 originals, however many noisy copies the student sees.
const char* kCleanTeacherStages = R"(
[stages.clean]
kind = "distill"
teacher = "teacher"
student = "unet"
data = "train"
epochs = 2
batch_size = 1
teacher_cache = true
teacher_sees = "clean"
noise_mix = { noises = ["salt"] }
)";

fs::path run(const test::TempDir& dir, const std::string& text, host::PluginHost& host) {
  const auto file = dir.write("paired.toml", text);
  auto pipeline = pipeline::load_pipeline(file, {});
  auto plan = runner::validate_pipeline(pipeline, host);
  runner::RunOptions options;
  options.workdir = dir.path / "runs";
  runner::run_pipeline(pipeline, plan, host, options);
  return dir.path / "runs" / "paired";
}

std::vector<at::Tensor> weights(const fs::path& checkpoint, host::PluginHost& host) {
  return checkpoints::load_checkpoint(checkpoint, host, c10::Device(c10::kCPU)).model->parameters();
}

bool same(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!a[i].equal(b[i])) return false;
  return true;
}

}  // namespace

TEST(PairedStreams, StagesOnOneStreamTrainAlikeAndAStageOnItsOwnDoesNot) {
  test::TempDir dir;
  auto host = test::make_host();
  const fs::path runs = run(dir, kData + kTrainStages, *host);
  const auto a = weights(runs / "a" / "checkpoint.pt", *host);
  EXPECT_TRUE(same(a, weights(runs / "b" / "checkpoint.pt", *host)));
  EXPECT_FALSE(same(a, weights(runs / "own" / "checkpoint.pt", *host)));
  EXPECT_EQ(test::read_file(runs / "a" / "steps.csv"), test::read_file(runs / "b" / "steps.csv"));
}

TEST(PairedStreams, DistillStagesOnOneStreamComputeTheTeacherOnceBetweenThem) {
  test::TempDir dir;
  auto host = test::make_host();
  const fs::path runs = run(dir, kData + kTeacherStage + kDistillStages, *host);
  EXPECT_TRUE(same(weights(runs / "d1" / "checkpoint.pt", *host), weights(runs / "d2" / "checkpoint.pt", *host)));
  // 4 clean images and 2 noisy copies per epoch, 2 epochs: one entry per input the teacher saw.
  const fs::path cache = runs / "teacher_outputs";
  ASSERT_TRUE(fs::is_directory(cache));
  const fs::path folder = fs::directory_iterator(cache)->path();
  EXPECT_EQ(std::distance(fs::directory_iterator(folder), fs::directory_iterator()), 12);
  const auto log = test::read_file(runs / "log.txt");
  EXPECT_THAT(log, ::testing::HasSubstr("distill d1: teacher outputs of 0 samples read from the cache, 12 computed"));
  EXPECT_THAT(log, ::testing::HasSubstr("distill d2: teacher outputs of 12 samples read from the cache, 0 computed"));
  EXPECT_THAT(log, ::testing::HasSubstr("MiB per sample in float16, 6 samples x 2 epochs"));
}

TEST(PairedStreams, ATeacherShownCleanImagesSeesEachOriginalNotItsNoisyCopies) {
  test::TempDir dir;
  auto host = test::make_host();
  const fs::path runs = run(dir, kData + kTeacherStage + kCleanTeacherStages, *host);
  // 6 samples an epoch (4 clean, 2 noisy copies), 2 epochs: 12 inputs to the student, 4 to the teacher.
  const fs::path folder = fs::directory_iterator(runs / "teacher_outputs")->path();
  EXPECT_EQ(std::distance(fs::directory_iterator(folder), fs::directory_iterator()), 4);
  EXPECT_THAT(test::read_file(runs / "log.txt"),
              ::testing::HasSubstr("distill clean: teacher outputs of 8 samples read from the cache, 4 computed"));
}

TEST(PairedStreams, ACleanTeacherWithoutNoiseMixIsRefusedNamingTheKey) {
  test::TempDir dir;
  auto host = test::make_host();
  std::string text = kData + kTeacherStage + kCleanTeacherStages;
  text.replace(text.find("noise_mix = { noises = [\"salt\"] }"), std::string("noise_mix = { noises = [\"salt\"] }").size(), "");
  const auto file = dir.write("paired.toml", text);
  auto pipeline = pipeline::load_pipeline(file, {});
  EXPECT_THAT(test::error_of([&] { runner::validate_pipeline(pipeline, *host); }),
              ::testing::AllOf(::testing::HasSubstr("paired.toml"), ::testing::HasSubstr("stages.clean.teacher_sees"),
                               ::testing::HasSubstr("needs a noise_mix")));
}
