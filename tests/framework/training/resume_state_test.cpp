// resume.pt round trip: the weights and every named part come back, a file from another
// configuration is not used, and a file written before the parts had owners (one
// ResumeProgress struct, up to 2026-12-08) still resumes.

#include "runtime/mixed_precision.hpp"
#include "test_support.hpp"
#include "training/resume_state.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <gmock/gmock.h>
#include <torch/torch.h>

using namespace crackkd;

namespace {

/// The loop's progress `parts` restore.
training::LoopProgress restored_progress(const training::ResumeParts& parts) {
  training::LoopProgress progress;
  progress.restore(parts);
  return progress;
}

void expect_progress(const training::LoopProgress& p, std::int64_t epoch, std::int64_t step, std::int64_t batches,
                     const std::vector<double>& sums, double total) {
  EXPECT_EQ(p.epoch, epoch);
  EXPECT_EQ(p.step, step);
  EXPECT_EQ(p.epoch_batches, batches);
  EXPECT_EQ(p.epoch_term_sums, sums);
  EXPECT_DOUBLE_EQ(p.epoch_total_sum, total);
}

}  // namespace

TEST(ResumeState, RoundTripsWeightsAndEveryNamedPart) {
  test::TempDir dir;
  torch::manual_seed(1);
  torch::nn::Linear model(3, 2);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  model->forward(torch::ones({1, 3})).sum().backward();
  optimizer.step();

  training::ResumeParts parts;
  training::LoopProgress progress{3, 42, 5, {0.25, 0.5}, 0.75};
  progress.save(parts);
  parts.put("best_dice", 0.61);
  parts.put("metrics_csv", std::string("epoch,step\n1,14\n"));
  const auto file = dir.path / "resume.pt";
  training::save_resume_state(file, "config", "build", parts, *model, optimizer, nullptr);

  torch::nn::Linear fresh(3, 2);
  torch::optim::AdamW fresh_optimizer(fresh->parameters(), torch::optim::AdamWOptions(1e-3));
  EXPECT_FALSE(training::load_resume_state(file, "other config", "build", *fresh, fresh_optimizer, nullptr));
  const auto loaded = training::load_resume_state(file, "config", "another build", *fresh, fresh_optimizer, nullptr);
  ASSERT_TRUE(loaded);
  expect_progress(restored_progress(*loaded), 3, 42, 5, {0.25, 0.5}, 0.75);
  EXPECT_DOUBLE_EQ(loaded->get("best_dice")->toDouble(), 0.61);
  EXPECT_EQ(loaded->get("metrics_csv")->toStringRef(), "epoch,step\n1,14\n");
  EXPECT_FALSE(loaded->get("a part no version wrote"));
  EXPECT_TRUE(fresh->weight.equal(model->weight));
}

TEST(ResumeState, AFileWrittenBeforeThePartsHadOwnersStillResumes) {
  test::TempDir dir;
  torch::nn::Linear model(3, 2);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  // The entries, names and types save_resume_state wrote before its parts had owners.
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  model->save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("torch_generator", at::detail::getDefaultCPUGenerator().get_state());
  archive.write("fingerprint", c10::IValue(std::string("config")));
  archive.write("build", c10::IValue(std::string("build")));
  archive.write("epoch", c10::IValue(std::int64_t{7}));
  archive.write("step", c10::IValue(std::int64_t{889}));
  archive.write("best_dice", c10::IValue(0.63));
  archive.write("metrics_csv", c10::IValue(std::string("epoch,step\n")));
  archive.write("amp_scale", c10::IValue(32768.0));
  archive.write("amp_good_steps", c10::IValue(std::int64_t{3}));
  archive.write("epoch_batches", c10::IValue(std::int64_t{13}));
  archive.write("epoch_term_sums", torch::tensor(std::vector<double>{1.5, 2.5}, torch::kDouble));
  archive.write("epoch_total_sum", c10::IValue(4.0));
  archive.save_to((dir.path / "resume.pt").string());

  const auto parts = training::load_resume_state(dir.path / "resume.pt", "config", "build", *model, optimizer, nullptr);
  ASSERT_TRUE(parts);
  expect_progress(restored_progress(*parts), 7, 889, 13, {1.5, 2.5}, 4.0);
  EXPECT_DOUBLE_EQ(parts->get("best_dice")->toDouble(), 0.63);
  EXPECT_DOUBLE_EQ(parts->get("amp_scale")->toDouble(), 32768.0);
  EXPECT_EQ(parts->get("amp_good_steps")->toInt(), 3);
}

TEST(GradScaler, SkipsNonFiniteStepsAndGrowsAfterGoodOnes) {
  runtime::GradScaler scaler(true);
  auto p = torch::zeros({2}, torch::requires_grad());
  p.mutable_grad() = torch::tensor({65536.0f, 131072.0f});
  EXPECT_TRUE(scaler.unscale({p}));
  EXPECT_TRUE(p.grad().equal(torch::tensor({1.0f, 2.0f})));
  p.mutable_grad() = torch::tensor({1.0f, INFINITY});
  EXPECT_FALSE(scaler.unscale({p}));
  scaler.update(false);
  EXPECT_DOUBLE_EQ(scaler.current(), 32768.0);
  for (int i = 0; i < 2000; ++i) scaler.update(true);
  EXPECT_DOUBLE_EQ(scaler.current(), 65536.0);
  runtime::GradScaler off(false);
  EXPECT_TRUE(off.scale(torch::ones({1})).equal(torch::ones({1})));
}
