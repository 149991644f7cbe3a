// resume.pt round trip: everything a stopped epoch loop needs comes back, including the
// gradient scaler's state, and a file from another configuration is not used.

#include "runtime/mixed_precision.hpp"
#include "test_support.hpp"
#include "training/resume_state.hpp"

#include <gmock/gmock.h>
#include <torch/torch.h>

using namespace crackkd;

TEST(ResumeState, RoundTripsProgressWeightsAndScaler) {
  test::TempDir dir;
  torch::manual_seed(1);
  torch::nn::Linear model(3, 2);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  model->forward(torch::ones({1, 3})).sum().backward();
  optimizer.step();

  runtime::GradScaler scaler(true);
  scaler.update(false);  // an overflow halves the scale
  scaler.update(true);
  training::ResumeProgress progress{3, 42, 0.61, "epoch,step\n1,14\n"};
  progress.amp_scale = scaler.current();
  progress.amp_good_steps = scaler.good_steps();
  const auto file = dir.path / "resume.pt";
  training::save_resume_state(file, "config", "build", progress, *model, optimizer, nullptr);

  torch::nn::Linear fresh(3, 2);
  torch::optim::AdamW fresh_optimizer(fresh->parameters(), torch::optim::AdamWOptions(1e-3));
  EXPECT_FALSE(training::load_resume_state(file, "other config", "build", *fresh, fresh_optimizer, nullptr));
  const auto loaded = training::load_resume_state(file, "config", "another build", *fresh, fresh_optimizer, nullptr);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->epoch, 3);
  EXPECT_EQ(loaded->step, 42);
  EXPECT_DOUBLE_EQ(loaded->best_dice, 0.61);
  EXPECT_EQ(loaded->metrics_csv, progress.metrics_csv);
  EXPECT_TRUE(fresh->weight.equal(model->weight));

  runtime::GradScaler resumed(true);
  resumed.restore(loaded->amp_scale, loaded->amp_good_steps);
  EXPECT_DOUBLE_EQ(resumed.current(), 32768.0);
  EXPECT_EQ(resumed.good_steps(), 1);
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
