// The real training data path (dataset -> augmentations -> 2:1 noise mix -> BatchLoader)
// gives the same batches whatever the number of loader workers, and a training run
// ends with the same weights with 1 and 2 workers.

#include "checkpoints/checkpoint.hpp"
#include "data/loader.hpp"
#include "pipeline/pipeline.hpp"
#include "runner/plan.hpp"
#include "runner/runner.hpp"
#include "test_support.hpp"
#include "tiny_pipeline.hpp"
#include "training/training_data.hpp"

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <torch/torch.h>

using namespace crackkd;
namespace fs = std::filesystem;

namespace {

const std::string kPipeline = test::TinyPipeline{.name = "mix", .seed = 11, .train_images = 7, .size = 48}.text() + R"(
[noises]
salt = { plugin = "salt" }
pepper = { plugin = "pepper" }
blur = { plugin = "gaussian_blur" }
texture = { plugin = "crack_texture" }

[stages.train]
kind = "train"
model = "unet"
data = "train"
epochs = 2
batch_size = 3
augment = [{ plugin = "hflip" }, { plugin = "vflip" }, { plugin = "color_jitter" }, { plugin = "random_crop", size = [40, 40] }]
noise_mix = { clean = 2, noisy = 1, noises = ["salt", "pepper", "blur", "texture"] }
)";

class TrainingDataTest : public ::testing::Test {
 protected:
  /// The epoch's batches as the training loop builds them, with `workers` threads.
  std::vector<Batch> epoch(const training::TrainingData& data, std::int64_t epoch, int workers) {
    const auto samples = data.samples(epoch);
    data::BatchLoader loader(samples.size(), 3, [&](std::size_t p) { return data.make(samples[p], epoch, p); }, workers, 2,
                             false);
    std::vector<Batch> out;
    for (std::size_t b = 0; b < loader.batches(); ++b) out.push_back(loader.next());
    return out;
  }

  std::vector<ComponentConfig> augment(const pipeline::StageConfig& stage) {
    std::vector<ComponentConfig> transforms;
    for (const auto& v : stage.params.at("augment").array) {
      ComponentConfig c;
      crackkd::detail::read(v, "augment", c);
      transforms.push_back(c);
    }
    return transforms;
  }

  test::TempDir dir_;
  fs::path file_ = dir_.write("mix.toml", kPipeline);
  std::unique_ptr<host::PluginHost> host_ = test::make_host();
};

}  // namespace

TEST_F(TrainingDataTest, SameBatchesWithZeroOneAndTwoWorkers) {
  const auto pipeline = pipeline::load_pipeline(file_, {});
  runner::validate_pipeline(pipeline, *host_);
  const auto& stage = pipeline.stages.at("train");
  stages::StageContext ctx{pipeline, stage, *host_, dir_.path, dir_.path};
  const training::TrainingData data(ctx.pipeline, ctx.host, ctx.stage.name, "train", augment(stage), parse_options<training::NoiseMixOptions>(*stage.params.at("noise_mix").table));

  for (std::int64_t e : {1, 2}) {
    SCOPED_TRACE("epoch " + std::to_string(e));
    const auto samples = data.samples(e);
    // 7 clean images plus noisy copies at 2:1: the epoch really mixes in noise.
    EXPECT_GT(samples.size(), 7u);
    EXPECT_TRUE(std::any_of(samples.begin(), samples.end(), [](const data::EpochSample& p) { return p.noise >= 0; }));
    const auto reference = epoch(data, e, 0);
    ASSERT_EQ(reference.size(), (samples.size() + 2) / 3);
    EXPECT_EQ(reference[0].images.sizes(), (std::vector<std::int64_t>{3, 3, 40, 40}));
    for (int workers : {1, 2}) {
      const auto other = epoch(data, e, workers);
      ASSERT_EQ(other.size(), reference.size()) << workers << " workers";
      for (std::size_t b = 0; b < other.size(); ++b) {
        EXPECT_EQ(other[b].ids, reference[b].ids) << workers << " workers, batch " << b;
        EXPECT_TRUE(torch::equal(other[b].images, reference[b].images)) << workers << " workers, batch " << b;
        EXPECT_TRUE(torch::equal(other[b].masks, reference[b].masks)) << workers << " workers, batch " << b;
      }
    }
  }
  // Not vacuous: the augmentations and noises draw from the (epoch, position) streams, so
  // another epoch's first batch differs.
  EXPECT_FALSE(torch::equal(epoch(data, 1, 0)[0].images, epoch(data, 2, 0)[0].images));
}

TEST_F(TrainingDataTest, TrainingWithOneAndTwoWorkersEndsWithTheSameWeights) {
  std::vector<std::shared_ptr<SegmentationModel>> models;
  for (int workers : {1, 2}) {
    auto pipeline = pipeline::load_pipeline(file_, {"stages.train.workers=" + std::to_string(workers)});
    auto plan = runner::validate_pipeline(pipeline, *host_);
    runner::RunOptions options;
    options.workdir = dir_.path / ("runs-" + std::to_string(workers));
    const auto summary = runner::run_pipeline(pipeline, plan, *host_, options);
    ASSERT_EQ(summary.ran, std::vector<std::string>{"train"});
    models.push_back(checkpoints::load_checkpoint(options.workdir / "mix" / "train" / "checkpoint.pt", *host_,
                                             c10::Device(c10::kCPU))
                         .model);
  }
  const auto a = models[0]->named_parameters(), b = models[1]->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  ASSERT_GT(a.size(), 0u);
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  const auto ba = models[0]->named_buffers(), bb = models[1]->named_buffers();
  ASSERT_EQ(ba.size(), bb.size());
  for (const auto& p : ba) EXPECT_TRUE(torch::equal(p.value(), bb[p.key()])) << p.key();
}

TEST_F(TrainingDataTest, KeepCleanGivesEachSampleItsAugmentedImageBeforeTheNoise) {
  const auto pipeline = pipeline::load_pipeline(file_, {});
  runner::validate_pipeline(pipeline, *host_);
  const auto& stage = pipeline.stages.at("train");
  stages::StageContext ctx{pipeline, stage, *host_, dir_.path, dir_.path};
  const auto mix = parse_options<training::NoiseMixOptions>(*stage.params.at("noise_mix").table);
  const training::TrainingData plain(ctx.pipeline, ctx.host, ctx.stage.name, "train", augment(stage), mix);
  const training::TrainingData keeping(ctx.pipeline, ctx.host, ctx.stage.name, "train", augment(stage), mix, /*keep_clean=*/true);
  const auto samples = keeping.samples(1);
  std::size_t noisy = 0, changed = 0;
  for (std::size_t p = 0; p < samples.size(); ++p) {
    const Sample s = keeping.make(samples[p], 1, p);
    EXPECT_TRUE(torch::equal(s.image, plain.make(samples[p], 1, p).image)) << p;  // the student's view unchanged
    EXPECT_FALSE(plain.make(samples[p], 1, p).clean_image.defined());
    auto unnoised = samples[p];
    unnoised.noise = -1;  // the same augmentation draws, then no noise
    ASSERT_TRUE(s.clean_image.defined());
    EXPECT_TRUE(torch::equal(s.clean_image, plain.make(unnoised, 1, p).image)) << p;
    if (samples[p].noise >= 0) {
      ++noisy;
      // A weak draw may leave an image as it was; none changed would mean the noise
      // reached the kept copy too.
      if (!torch::equal(s.clean_image, s.image)) ++changed;
    } else {
      EXPECT_TRUE(torch::equal(s.clean_image, s.image)) << p;
    }
  }
  EXPECT_GT(noisy, 0u);
  EXPECT_GT(changed, 0u);
  const auto batches = epoch(keeping, 1, 0);
  EXPECT_EQ(batches[0].clean_images.sizes(), batches[0].images.sizes());
  EXPECT_FALSE(epoch(plain, 1, 0)[0].clean_images.defined());
}
