#pragma once
// One RFKD training step as the distill stage takes it: the frozen PoolingCrack teacher's
// forward without gradients, the PCT student's forward, the RFKD loss (four feature
// terms, the logit term and Dice), backward through the gradient scaler, and AdamW
// (lr 1e-3, weight decay 1e-2) over the student and the distiller's connectors.

#include "runtime/mixed_precision.hpp"
#include "pooling_crack_model.hpp"
#include "rfkd.hpp"

#include <crackkd/sample.hpp>

#include <torch/optim/adamw.h>

#include <memory>

namespace crackkd::device_check {

enum class Precision { Float32, BFloat16, Float16Scaled };
const char* precision_name(Precision p);

struct RfkdStep {
  std::shared_ptr<models::PoolingCrack> teacher;
  std::shared_ptr<models::PoolingCrackTiny> student;
  std::shared_ptr<distillers::Rfkd> rfkd;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  runtime::GradScaler scaler{true};  ///< used by Float16Scaled steps, kept across them as in training
  c10::Device device{c10::kCPU};
};

struct StepResult {
  double loss = 0;
  bool finite = true;  ///< the scaler found finite gradients and the step was taken
};

/// Teacher, student and connectors initialised from `seed` (the same weights for the same
/// seed on any device), moved to `device`.
RfkdStep make_rfkd_step(const c10::Device& device, std::uint64_t seed);
/// A batch of `n` random images and crack masks at `size`x`size` on `device`.
Batch random_batch(std::int64_t n, std::int64_t size, const c10::Device& device, std::uint64_t seed);
/// Whether a step at `precision` on the CPU runs under autocast: bfloat16 from LibTorch 2;
/// in 1.13 neither (no float16, and LayerNorm refuses bfloat16 with float32 weights), so
/// only the step's other paths (the scaler's, for float16) run.
bool cpu_autocast(Precision precision);
/// One step. Float16Scaled goes through `step.scaler` (kept across steps).
StepResult take_step(RfkdStep& step, const Batch& batch, Precision precision);

}  // namespace crackkd::device_check
