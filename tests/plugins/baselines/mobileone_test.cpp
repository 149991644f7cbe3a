// MobileOne's re-parameterisation: in eval mode the one fused convolution per block gives
// what the training-time branches give, also after the weights have moved.

#include "blocks/mobileone_encoder.hpp"
#include "metrics/model_cost.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace cb = crackkd::baselines;

namespace {

void randomise_norms(torch::nn::Module& m) {
  torch::NoGradGuard no_grad;
  for (auto& module : m.modules())
    if (auto* bn = module->as<torch::nn::BatchNorm2dImpl>()) {
      bn->running_mean.uniform_(-0.5, 0.5);
      bn->running_var.uniform_(0.5, 1.5);
      bn->weight.uniform_(0.5, 1.5);
      bn->bias.uniform_(-0.5, 0.5);
    }
}

double max_difference(cb::MobileOneEncoder& encoder, const at::Tensor& input) {
  torch::NoGradGuard no_grad;
  encoder->eval();
  encoder->use_fused(false);
  const auto branches = encoder->forward(input);
  encoder->use_fused(true);
  const auto fused = encoder->forward(input);
  double worst = 0;
  for (std::size_t i = 0; i < fused.size(); ++i)
    worst = std::max(worst, (fused[i] - branches[i]).abs().max().item<double>() /
                                std::max(1.0, branches[i].abs().max().item<double>()));
  return worst;
}

}  // namespace

TEST(MobileOne, FusedConvolutionsEqualTheTrainingBranchesInEvalMode) {
  torch::manual_seed(5);
  cb::MobileOneEncoder encoder;
  randomise_norms(*encoder);
  const auto input = torch::rand({2, 3, 64, 96});
  EXPECT_LT(max_difference(encoder, input), 1e-4);
}

TEST(MobileOne, TheFusedConvolutionFollowsTheWeightsAfterTraining) {
  torch::manual_seed(6);
  cb::MobileOneEncoder encoder;
  const auto input = torch::rand({2, 3, 64, 64});
  EXPECT_LT(max_difference(encoder, input), 1e-4);  // fuses once
  encoder->train();
  torch::optim::SGD sgd(encoder->parameters(), 0.1);
  encoder->forward(input)[4].mean().backward();  // also moves the BN running statistics
  sgd.step();
  EXPECT_LT(max_difference(encoder, input), 1e-4);  // fuses again
}

TEST(MobileOne, FusedBlocksRunOneConvolutionEach) {
  cb::MobileOneEncoder encoder;
  encoder->eval();
  torch::NoGradGuard no_grad;
  const auto input = torch::rand({1, 3, 64, 64});
  std::int64_t blocks = 0;
  for (auto& m : encoder->modules(false)) blocks += m->as<cb::MobileOneBlockImpl>() != nullptr;
  EXPECT_EQ(blocks, 1 + 2 * (2 + 8 + 10 + 1));
  encoder->use_fused(false);
  const auto branch_macs = crackkd::metrics::count_macs([&] { encoder->forward(input); });
  encoder->use_fused(true);
  const auto fused_macs = crackkd::metrics::count_macs([&] { encoder->forward(input); });
  // k = 4 branches plus a 1x1 scale branch: the fused network does about a quarter of the work.
  EXPECT_LT(fused_macs * 3, branch_macs);
}
