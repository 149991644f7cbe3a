#include "rfkd_step.hpp"

#include "measure.hpp"
#include "soft_dice.hpp"

#include <torch/torch.h>
#include <torch/version.h>

namespace crackkd::device_check {

const char* precision_name(Precision p) {
  switch (p) {
    case Precision::Float32: return "float32";
    case Precision::BFloat16: return "bfloat16 autocast";
    case Precision::Float16Scaled: return "float16 autocast + gradient scaler";
  }
  return "";
}

bool cpu_autocast(Precision precision) {
  // LibTorch 1.13's CPU autocast has no float16, and its LayerNorm (PCT's patch
  // embedding) refuses bfloat16 inputs with float32 weights.
  return precision == Precision::BFloat16 && TORCH_VERSION_MAJOR >= 2;
}

RfkdStep make_rfkd_step(const c10::Device& device, std::uint64_t seed) {
  torch::manual_seed(seed);
  RfkdStep step;
  step.teacher = std::make_shared<models::PoolingCrack>(models::PoolingCrack::Options{});
  step.student = std::make_shared<models::PoolingCrackTiny>(models::PoolingCrackTiny::Options{});
  step.rfkd = std::make_shared<distillers::Rfkd>(distillers::Rfkd::Options{});
  step.rfkd->set_ground_truth_loss([](const at::Tensor& logits, const at::Tensor& masks) {
    return LossTerms{{"dice", plugins::soft_dice_loss(logits, masks)}};  // a distill stage's default `loss`
  });
  shift_offsets_off_the_grid(*step.teacher);  // gradients well defined for the comparison (measure.hpp)
  shift_offsets_off_the_grid(*step.student);
  step.rfkd->prepare(*step.teacher, *step.student);
  step.teacher->to(device);
  step.student->to(device);
  step.rfkd->to(device);
  step.teacher->eval();
  for (auto& p : step.teacher->parameters()) p.requires_grad_(false);
  auto parameters = step.student->parameters();
  for (const auto& p : step.rfkd->parameters()) parameters.push_back(p);
  step.optimizer = std::make_unique<torch::optim::AdamW>(parameters, torch::optim::AdamWOptions(1e-3).weight_decay(1e-2));
  step.device = device;
  return step;
}

Batch random_batch(std::int64_t n, std::int64_t size, const c10::Device& device, std::uint64_t seed) {
  torch::manual_seed(seed);
  const auto images = torch::rand({n, 3, size, size});
  const auto masks = (torch::rand({n, 1, size, size}) > 0.95).to(torch::kFloat);
  return {images.to(device), masks.to(device), {}};
}

StepResult take_step(RfkdStep& step, const Batch& batch, Precision precision) {
  const bool cuda = step.device.is_cuda();
  const bool scaled = precision == Precision::Float16Scaled;
  const bool autocast = precision != Precision::Float32 && (cuda || cpu_autocast(precision));
  step.optimizer->zero_grad();
  at::Tensor loss;
  {
    runtime::AutocastGuard amp(autocast, step.device.type(),
                              precision == Precision::BFloat16 ? at::kBFloat16 : at::kHalf);
    ModelOutput teacher;
    {
      torch::NoGradGuard no_grad;
      teacher = step.teacher->forward(batch.images);
    }
    const auto terms = step.rfkd->loss(step.student->forward(batch.images), teacher, batch);
    loss = terms.front().second.to(torch::kFloat);
    for (std::size_t i = 1; i < terms.size(); ++i) loss = loss + terms[i].second.to(torch::kFloat);
  }
  (scaled ? step.scaler.scale(loss) : loss).backward();
  std::vector<at::Tensor> parameters;
  for (const auto& group : step.optimizer->param_groups())
    for (const auto& p : group.params()) parameters.push_back(p);
  const bool finite = !scaled || step.scaler.unscale(parameters);
  if (finite) step.optimizer->step();
  if (scaled) step.scaler.update(finite);
  return {loss.item<double>(), finite};
}

}  // namespace crackkd::device_check
