// The training loop through its entry point, fit(), with loss terms the test controls: a
// NaN term stops the stage with an error naming stage, term, epoch and step and leaves
// the last finished epoch's files as they were; steps.csv has one row per step (lr, each
// term, total), each step is logged at debug level, and a fit() resumed after the stop
// ends with the steps.csv of a fit() never stopped.

#include "data/batching.hpp"
#include "pipeline/pipeline.hpp"
#include "report/csv_table.hpp"
#include "test_support.hpp"
#include "tiny_pipeline.hpp"
#include "training/fit.hpp"

#include <crackkd/loss.hpp>

#include <gmock/gmock.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <fstream>
#include <limits>
#include <map>
#include <sstream>

using namespace crackkd;
namespace fs = std::filesystem;

namespace {

// 4 images in batches of 2: epoch 2 starts at step 3.
const std::string kPipeline = test::TinyPipeline{.name = "loop", .seed = 2, .train_images = 4}.text() + R"(
[stages.train]
kind = "train"
model = "unet"
data = "train"
epochs = 3
batch_size = 2
)";

/// Loss terms from the model's logits on a batch, and the 1-based number of the call.
using TestTerms = std::function<LossTerms(const at::Tensor& logits, const Batch& batch, int call)>;

class TrainingLoop : public ::testing::Test {
 protected:
  /// fit() of stage `train` into `out_dir` with a fresh model and optimiser, as a
  /// restarted process would have them. Returns how often the terms were asked for.
  int fit(const fs::path& out_dir, const TestTerms& terms, std::int64_t share_every = 1) {
    fs::create_directories(out_dir);
    const auto& model_config = pipeline_.models.at("unet");
    torch::manual_seed(1);
    auto model = host_->create<SegmentationModel>("model", model_config);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
    const training::FitStage stage{"train", out_dir, out_dir.parent_path(), "fingerprint", "build"};
    training::TrainingData train_data(pipeline_, *host_, "train", "train", {}, std::nullopt);
    training::TrainingOptions options;
    options.epochs = 3;
    options.batch_size = 2;
    options.share_every = share_every;
    int calls = 0;
    training::fit(stage, {*model, model_config, optimizer}, {train_data}, c10::Device(c10::kCPU), options,
                  [&](const Batch& batch) {
                    const auto logits = data::forward_padded(*model, batch.images).logits;
                    return training::StepLoss{terms(logits, batch, ++calls), {logits}};
                  });
    return calls;
  }

  /// Dice, and a term "unstable" that is 0 until it turns NaN at call `nan_at` (0 = never).
  TestTerms dice_and_unstable(int nan_at = 0) {
    return [this, nan_at](const at::Tensor& logits, const Batch& batch, int call) {
      const at::Tensor dice = dice_->compute(logits, batch.masks);
      const double factor = call == nan_at ? std::numeric_limits<double>::quiet_NaN() : 0.0;
      return LossTerms{{"dice", dice}, {"unstable", dice * factor}};
    };
  }

  test::TempDir dir_;
  fs::path file_ = dir_.write("loop.toml", kPipeline);
  pipeline::Pipeline pipeline_ = pipeline::load_pipeline(file_, {});
  std::unique_ptr<host::PluginHost> host_ = test::make_host();
  std::shared_ptr<Loss> dice_ = host_->create<Loss>("loss", test::component("dice"));
};

}  // namespace

TEST_F(TrainingLoop, NonFiniteLossStopsNamingStageTermEpochAndStepAndKeepsTheLastEpoch) {
  const fs::path out = dir_.path / "loop" / "train";
  std::map<std::string, std::string> saved;  // the stage's files as epoch 1 left them
  const std::string message = test::error_of([&] {
    const auto unstable = dice_and_unstable(3);
    fit(out, [&](const at::Tensor& logits, const Batch& batch, int call) {
      if (call == 3)
        for (const auto& f : fs::directory_iterator(out)) saved[f.path().filename().string()] = test::read_file(f.path());
      return unstable(logits, batch, call);
    });
  });
  EXPECT_THAT(message, testing::ContainsRegex("stage train: loss term 'unstable' is -?nan at epoch 2, step 3"));
  EXPECT_THAT(message, testing::HasSubstr("the last good checkpoint is kept"));

  std::vector<std::string> names;
  for (const auto& [name, bytes] : saved) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"checkpoint.pt", "metrics.csv", "resume.pt", "steps.csv"}));
  std::size_t files = 0;  // no temporary file either
  for (const auto& f : fs::directory_iterator(out)) {
    ++files;
    EXPECT_EQ(test::read_file(f.path()), saved[f.path().filename().string()]) << f.path() << " changed";
  }
  EXPECT_EQ(files, saved.size());
  const std::string steps = test::read_file(out / "steps.csv");
  EXPECT_THAT(steps, testing::StartsWith("epoch,step,lr,dice,unstable,total,share_dice,share_unstable\n1,1,0.001,"));
  EXPECT_EQ(std::count(steps.begin(), steps.end(), '\n'), 3) << steps;  // epoch 1's two steps
}

TEST_F(TrainingLoop, StepsCsvGivesEachTermsShareOfTheGradientAtTheOutputs) {
  const fs::path out = dir_.path / "shares" / "train";
  fit(out, [this](const at::Tensor& logits, const Batch& batch, int) {
    const at::Tensor dice = dice_->compute(logits, batch.masks);
    // d(3 dice) is 3 d(dice); the constant reaches no output; "unstable" is 0 x dice.
    return LossTerms{{"dice", dice}, {"triple", 3 * dice}, {"constant", at::ones({})}, {"unstable", 0 * dice}};
  });
  const auto steps = report::read_csv(out / "steps.csv");
  ASSERT_EQ(steps.rows.size(), 6u);
  for (std::size_t row = 0; row < steps.rows.size(); ++row) {
    EXPECT_NEAR(steps.number(row, "share_dice"), 0.25, 1e-6);
    EXPECT_NEAR(steps.number(row, "share_triple"), 0.75, 1e-6);
    EXPECT_EQ(steps.number(row, "share_constant"), 0.0);
    EXPECT_EQ(steps.number(row, "share_unstable"), 0.0);
  }
}

TEST_F(TrainingLoop, SharesEveryNthStepLeaveTheOtherRowsEmpty) {
  const fs::path out = dir_.path / "sampled" / "train";
  fit(out, [this](const at::Tensor& logits, const Batch& batch, int) {
    const at::Tensor dice = dice_->compute(logits, batch.masks);
    return LossTerms{{"dice", dice}, {"triple", 3 * dice}};
  }, /*share_every=*/4);
  const auto steps = report::read_csv(out / "steps.csv");
  ASSERT_EQ(steps.rows.size(), 6u);
  for (std::size_t row = 0; row < steps.rows.size(); ++row) {
    ASSERT_EQ(steps.rows[row].size(), steps.header.size()) << "row " << row;
    if (row % 4 == 0) {
      EXPECT_NEAR(steps.number(row, "share_triple"), 0.75, 1e-6) << "step " << row + 1;
    } else {
      EXPECT_EQ(steps.rows[row][steps.column("share_dice")], "") << "step " << row + 1;
      EXPECT_EQ(steps.rows[row][steps.column("share_triple")], "") << "step " << row + 1;
    }
  }
}

TEST_F(TrainingLoop, ASingleTermHasNoShareColumn) {
  const fs::path out = dir_.path / "single" / "train";
  fit(out, [this](const at::Tensor& logits, const Batch& batch, int) {
    return LossTerms{{"dice", dice_->compute(logits, batch.masks)}};
  });
  EXPECT_THAT(test::read_file(out / "steps.csv"), testing::StartsWith("epoch,step,lr,dice,total\n"));
}

TEST_F(TrainingLoop, ResumedFitLogsEachStepAndEndsWithTheStepsOfAnUnstoppedOne) {
  const fs::path whole = dir_.path / "whole" / "train", stopped = dir_.path / "stopped" / "train";
  EXPECT_EQ(fit(whole, dice_and_unstable()), 6);
  test::error_of([&] { fit(stopped, dice_and_unstable(3)); });
  // Rows a kill could leave between epoch 2's steps.csv rows and its resume.pt, the last
  // one cut short: the resumed fit() drops them rather than repeating steps.
  std::ofstream(stopped / "steps.csv", std::ios::app) << "2,3,0.001,0.5,0,0.5\n2,4,0.0";

  int calls = 0;
  const std::string logged = test::logged([&] { calls = fit(stopped, dice_and_unstable()); });

  EXPECT_EQ(calls, 4);  // epochs 2 and 3 only: it resumed after epoch 1
  EXPECT_THAT(logged, testing::HasSubstr("train: resuming after epoch 1 (step 2)"));
  EXPECT_THAT(logged, testing::ContainsRegex("train epoch 2/3 batch 1/2 \\(step 3\\): lr 0.001, dice [0-9.e-]+, "
                                         "unstable 0, total [0-9.e-]+"));
  EXPECT_THAT(logged, testing::HasSubstr("(step 6)"));
  EXPECT_FALSE(fs::exists(stopped / "resume.pt"));
  const std::string steps = test::read_file(stopped / "steps.csv");
  EXPECT_EQ(std::count(steps.begin(), steps.end(), '\n'), 7) << steps;
  EXPECT_EQ(steps, test::read_file(whole / "steps.csv"));
}
