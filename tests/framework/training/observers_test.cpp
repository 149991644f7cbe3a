// The training loop's observers, each alone, driven with hand-made records: what file or
// line each writes, when, and its own part of resume.pt; and resume.pt as the loop writes
// it from those parts. (Rank agreement
// needs ranks: tests/framework/distributed/data_parallel_test.cpp.)

#include "pipeline/pipeline.hpp"
#include "runtime/run_progress.hpp"
#include "test_support.hpp"
#include "tiny_pipeline.hpp"
#include "training/observers.hpp"

#include <crackkd/dataset.hpp>

#include <gmock/gmock.h>
#include <torch/torch.h>

#include <fstream>

using namespace crackkd;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace {

const std::string kObservedPipeline =
    test::TinyPipeline{.name = "observed", .seed = std::nullopt, .train_images = 2, .size = 32}.text() + R"(
[stages.train]
kind = "train"
model = "unet"
data = "train"
)";

class Observers : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(out_);
    run_.term_names = {"dice", "bce"};
  }
  training::EpochRecord epoch(std::int64_t n, std::optional<double> val_dice = std::nullopt) {
    training::EpochRecord e;
    e.epoch = n;
    e.term_means = {0.5, 0.25};
    e.loss = 0.75;
    e.val_dice = val_dice;
    e.val_iou = val_dice ? std::optional<double>(*val_dice / 2) : std::nullopt;
    e.started = std::chrono::steady_clock::now();
    return e;
  }

  test::TempDir dir_;
  pipeline::Pipeline pipeline_ = pipeline::load_pipeline(dir_.write("observed.toml", kObservedPipeline), {});
  std::unique_ptr<host::PluginHost> host_ = test::make_host();
  fs::path out_ = dir_.path / "observed" / "train";
  training::FitStage stage_{"train", out_, dir_.path / "observed", "fingerprint", "build"};
  std::shared_ptr<SegmentationModel> model_ = host_->create<SegmentationModel>("model", pipeline_.models.at("unet"));
  torch::optim::AdamW optimizer_{model_->parameters(), torch::optim::AdamWOptions(1e-3)};
  training::TrainingOptions options_;
  training::FitRun run_{stage_, {*model_, pipeline_.models.at("unet"), optimizer_}, options_, c10::Device(c10::kCPU),
                        nullptr, true, {}, runtime::GradScaler(false), {}};
};

}  // namespace

TEST_F(Observers, StepsWriterTrimsToTheResumedStepAndAppendsEachEpochAtItsEnd) {
  std::ofstream(out_ / "steps.csv") << "epoch,step,lr,dice,bce,total\n1,1,0.001,1,1,2\n1,2,0.001,1,1,2\n2,3,0.001,1,1,2\n2,4,0.0";
  run_.progress.step = 2;
  auto writer = training::make_steps_writer(run_);
  writer->fit_started();
  const std::string trimmed = "epoch,step,lr,dice,bce,total\n1,1,0.001,1,1,2\n1,2,0.001,1,1,2\n";
  EXPECT_EQ(test::read_file(out_ / "steps.csv"), trimmed);
  run_.progress.step = 3;
  writer->step_done({2, 0, 2, 0.001, {0.5, 0.25}, 0.75, 0.75});
  EXPECT_EQ(test::read_file(out_ / "steps.csv"), trimmed) << "rows wait for the epoch's end";
  auto e = epoch(2);
  writer->epoch_done(e);
  EXPECT_THAT(test::read_file(out_ / "steps.csv"), ::testing::EndsWith("1,2,0.001,1,1,2\n2,3,0.001,0.5,0.25,0.75\n"));
}

TEST_F(Observers, MetricsWriterKeepsItsRowsInTheResumableState) {
  auto writer = training::make_metrics_writer(run_);
  run_.progress.step = 2;
  auto first = epoch(1, 0.6);
  writer->epoch_done(first);
  run_.progress.step = 4;
  auto second = epoch(2);
  writer->epoch_done(second);
  const std::string csv = test::read_file(out_ / "metrics.csv");
  EXPECT_THAT(csv, ::testing::StartsWith("epoch,step,dice,bce,train_loss,val_mDS,val_mIoU,seconds\n"
                                         "1,2,0.5,0.25,0.75,0.600000,0.300000,"));
  EXPECT_THAT(csv, HasSubstr("\n2,4,0.5,0.25,0.75,,,"));  // no validation: empty columns
  training::ResumeParts parts;
  writer->save_state(parts);
  ASSERT_TRUE(parts.get("metrics_csv"));
  EXPECT_EQ(parts.get("metrics_csv")->toStringRef(), csv);  // resume.pt carries the same rows

  auto resumed = training::make_metrics_writer(run_);  // a resumed run appends to them
  resumed->restore_state(parts);
  run_.progress.step = 6;
  resumed->epoch_done(epoch(3));
  EXPECT_EQ(test::read_file(out_ / "metrics.csv").rfind(csv, 0), 0u);
  EXPECT_THAT(test::read_file(out_ / "metrics.csv"), HasSubstr("\n3,6,0.5,0.25,0.75,,,"));
}

TEST_F(Observers, CheckpointerWritesBestOnlyWhenValidationImproves) {
  auto checkpointer = training::make_checkpointer(run_);
  auto first = epoch(1, 0.5);
  checkpointer->epoch_done(first);
  EXPECT_TRUE(fs::exists(out_ / "checkpoint.pt"));
  EXPECT_TRUE(fs::exists(out_ / "best.pt"));
  fs::remove(out_ / "best.pt");
  auto worse = epoch(2, 0.4);
  checkpointer->epoch_done(worse);
  EXPECT_FALSE(fs::exists(out_ / "best.pt"));
  auto unvalidated = epoch(3);
  checkpointer->epoch_done(unvalidated);
  EXPECT_FALSE(fs::exists(out_ / "best.pt"));

  training::ResumeParts parts;  // the best score so far is its part of resume.pt
  checkpointer->save_state(parts);
  EXPECT_EQ(parts.get("best_dice")->toDouble(), 0.5);
  auto resumed = training::make_checkpointer(run_);
  resumed->restore_state(parts);
  resumed->epoch_done(epoch(4, 0.45));
  EXPECT_FALSE(fs::exists(out_ / "best.pt")) << "0.45 is no better than the 0.5 before the resume";
  resumed->epoch_done(epoch(5, 0.55));
  EXPECT_TRUE(fs::exists(out_ / "best.pt"));
}

TEST_F(Observers, ResumePtHoldsTheLoopsProgressAndEachObserversPartAndIsRemovedAtTheEnd) {
  training::FitRun first{stage_, run_.trainee, options_, c10::Device(c10::kCPU), nullptr, true, {},
                         runtime::GradScaler(true), {"dice", "bce"}};
  first.scaler.update(false);  // an overflow halves the scale
  training::FitObservers observers;
  observers.push_back(training::make_checkpointer(first));
  observers.push_back(training::make_metrics_writer(first));
  for (auto& o : observers) o->epoch_done(epoch(1, 0.6));
  first.progress.epoch = 1;
  first.progress.step = 2;
  training::save_fit_state(first, observers);
  ASSERT_TRUE(fs::exists(out_ / "resume.pt"));

  training::FitRun again{stage_, run_.trainee, options_, c10::Device(c10::kCPU), nullptr, true, {},
                         runtime::GradScaler(true), {"dice", "bce"}};
  training::FitObservers restored;
  restored.push_back(training::make_checkpointer(again));
  restored.push_back(training::make_metrics_writer(again));
  training::restore_fit_state(again, restored);
  EXPECT_EQ(again.progress.epoch, 1);
  EXPECT_EQ(again.progress.step, 2);
  EXPECT_DOUBLE_EQ(again.scaler.current(), 32768.0);
  training::ResumeParts parts;
  for (const auto& o : restored) o->save_state(parts);
  EXPECT_EQ(parts.get("best_dice")->toDouble(), 0.6);
  EXPECT_EQ(parts.get("metrics_csv")->toStringRef(), test::read_file(out_ / "metrics.csv"));
  training::remove_fit_state(again);
  EXPECT_FALSE(fs::exists(out_ / "resume.pt"));
}

TEST_F(Observers, ValidationScoresTheValidationSetIntoTheRecord) {
  const auto validation = host_->create<Dataset>("dataset", pipeline_.datasets.at("train"));
  auto e = epoch(1);
  training::validate_epoch(run_, *validation, e);
  ASSERT_TRUE(e.val_dice && e.val_iou);
  EXPECT_GE(*e.val_dice, 0.0);
  EXPECT_LE(*e.val_dice, 1.0);
  EXPECT_LE(*e.val_iou, *e.val_dice + 1e-12);  // IoU never exceeds Dice
  EXPECT_TRUE(model_->is_training()) << "validation leaves the model as it found it";
}

TEST_F(Observers, StepLoggerAndEpochSummaryEachLogTheirLine) {
  run_.progress.step = 3;
  const std::string steps =
      test::logged([&] { training::make_step_logger(run_)->step_done({2, 0, 2, 0.001, {0.5, 0.25}, 0.75, 0.75}); });
  EXPECT_THAT(steps, HasSubstr("train epoch 2/10 batch 1/2 (step 3): lr 0.001, dice 0.5, bce 0.25, total 0.75"));
  auto e = epoch(2, 0.6);
  e.seconds = 1.5;
  e.train_seconds = 1.0;
  e.samples = 8;
  const std::string summary = test::logged([&] { training::make_epoch_summary(run_)->epoch_done(e); });
  EXPECT_THAT(summary, HasSubstr("train epoch 2/10: loss 0.7500 (dice 0.5, bce 0.25), val mDS 0.600000 mIoU 0.300000 "
                                 "(1.5 s, 8.0 training samples/s)"));
}

TEST_F(Observers, ProgressBarLogsTheEpochsPlaceAndTheRunsWhenNotOnATerminal) {
  runtime::RunProgress progress({{"train", "train", 10, 1, true}});
  progress.start_stage(0);
  stage_.run_progress = &progress;
  auto bar = training::make_progress_bar(run_);
  const std::string text = test::logged([&] {
    bar->epoch_started(1, 0, 2);
    bar->step_done({1, 0, 2, 0.001, {0.5, 0.25}, 0.75, 0.75});
    bar->step_done({1, 1, 2, 0.001, {0.5, 0.25}, 0.75, 0.75});
  });
  EXPECT_THAT(text, HasSubstr("train epoch 1/10 2/2"));
  EXPECT_THAT(text, HasSubstr("loss 0.7500 [stage 1/1, pipeline ETA "));
}
