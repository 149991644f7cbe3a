// One RFKD step on the device against the CPU (strict float32), then timed in float32,
// bfloat16 autocast and float16 autocast with the gradient scaler.

#include "checks.hpp"
#include "measure.hpp"
#include "rfkd_step.hpp"

#include <torch/torch.h>

#include <cmath>

namespace crackkd::device_check {

namespace {

const std::string kTraining = "One RFKD step (PoolingCrack teacher, PCT student, AdamW)";

void compare_step_with_cpu(const c10::Device& device, Report& report) {
  const StrictFloat32 strict;
  auto cpu = make_rfkd_step(torch::kCPU, 3), dev = make_rfkd_step(device, 3);
  const auto before = joined_weights(*cpu.student);
  const auto on_cpu = take_step(cpu, random_batch(2, 128, torch::kCPU, 5), Precision::Float32);
  const auto on_dev = take_step(dev, random_batch(2, 128, device, 5), Precision::Float32);
  const double loss = std::abs(on_dev.loss - on_cpu.loss) / std::abs(on_cpu.loss);
  const double grads = relative_difference(joined_gradients(*dev.student), joined_gradients(*cpu.student));
  const double update = relative_difference(joined_weights(*dev.student) - before, joined_weights(*cpu.student) - before);
  report.add({kTraining, "float32 step, batch 2, 128x128, against the CPU",
              "loss " + scientific(loss) + ", student gradients " + scientific(grads) + ", AdamW update " +
                  scientific(update),
              loss <= 1e-3 && grads <= 1e-3 && update <= 1e-2,
              "relative differences; limits 1e-3, 1e-3 and 1e-2 (AdamW's first update is about lr x sign(g), "
              "so gradients near zero may flip it)"});
}

// Batch and size of the timed steps: a training batch on a GPU, a token one on the CPU.
std::pair<std::int64_t, std::int64_t> timed_shape(const c10::Device& device) {
  return device.is_cuda() ? std::pair<std::int64_t, std::int64_t>{16, 448} : std::pair<std::int64_t, std::int64_t>{2, 128};
}

struct TimedStep {
  StepResult first;
  Timing timing;
  bool weights_finite = true;
};

TimedStep time_step(const c10::Device& device, Precision precision, const Effort& effort) {
  auto step = make_rfkd_step(device, 3);
  const auto [n, size] = timed_shape(device);
  const auto batch = random_batch(n, size, device, 5);
  TimedStep t;
  t.first = take_step(step, batch, precision);
  t.timing = time_work([&] { take_step(step, batch, precision); }, device, effort.warmups, effort.runs);
  t.weights_finite = joined_weights(*step.student).isfinite().all().item<bool>();
  return t;
}

std::string precision_note(const c10::Device& device, Precision p) {
  if (p == Precision::Float32) return device.is_cuda() ? "TF32 as PyTorch's defaults leave it" : "";
  if (!device.is_cuda() && !cpu_autocast(p))
    return "CPU: this LibTorch's CPU autocast cannot run it (rfkd_step.hpp), so the step runs in float32";
  return "first step's loss against float32's: limit 5e-2";
}

}  // namespace

void check_rfkd_steps(const c10::Device& device, Report& report, const Effort& effort) {
  try {
    compare_step_with_cpu(device, report);
  } catch (const std::exception& e) {
    report.add_failure(kTraining, "float32 step against the CPU", e.what());
  }
  const auto [n, size] = timed_shape(device);
  const std::string shape = ", batch " + std::to_string(n) + ", " + std::to_string(size) + "x" + std::to_string(size);
  double float32_ms = 0, float32_loss = 0;
  for (const auto precision : {Precision::Float32, Precision::BFloat16, Precision::Float16Scaled}) {
    const std::string check = std::string(precision_name(precision)) + " step" + shape;
    try {
      const auto t = time_step(device, precision, effort);
      if (precision == Precision::Float32) float32_ms = t.timing.median_ms, float32_loss = t.first.loss;
      const double drift = std::abs(t.first.loss - float32_loss) / std::abs(float32_loss);
      report.add({kTraining, check,
                  fixed(t.timing.median_ms, 1) + " ms/step (" + fixed(float32_ms / t.timing.median_ms, 2) +
                      "x float32, median of " + std::to_string(t.timing.runs) + "), loss " + fixed(t.first.loss, 4) +
                      " (float32 " + fixed(float32_loss, 4) + ")",
                  t.first.finite && t.weights_finite && drift <= 5e-2, precision_note(device, precision)});
    } catch (const std::exception& e) {
      report.add_failure(kTraining, check, e.what());
    }
  }
}

}  // namespace crackkd::device_check
