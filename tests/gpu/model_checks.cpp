// PCT and PoolingCrack on the device against the CPU, and the deformable convolution's
// gradient, all in strict float32 (no TF32: measure.hpp).

#include "checks.hpp"
#include "measure.hpp"

#include "blocks/deformable_conv.hpp"
#include "pooling_crack_model.hpp"

#include <torch/torch.h>

namespace crackkd::device_check {

namespace {

const std::string kModels = "Models on the device against the CPU";
constexpr double kTolerance = 1e-3;

// A loss that reaches every parameter: the crack probability and each stage feature.
at::Tensor probe_loss(const ModelOutput& out) {
  auto loss = out.logits.sigmoid().mean();
  for (const auto& f : out.features) loss = loss + f.square().mean();
  return loss;
}

struct Pass {
  at::Tensor logits, gradients;
};

Pass forward_backward(SegmentationModel& model, const at::Tensor& images) {
  model.zero_grad();
  const auto out = model.forward(images);
  probe_loss(out).backward();
  return {out.logits.detach(), joined_gradients(model)};
}

template <class Model>
void compare_model(const std::string& name, const c10::Device& device, std::int64_t size, Report& report) {
  torch::manual_seed(7);
  Model reference{typename Model::Options{}};
  Model on_device{typename Model::Options{}}, in_double{typename Model::Options{}};
  shift_offsets_off_the_grid(reference);
  copy_weights(reference, on_device);
  copy_weights(reference, in_double);
  on_device.to(device);
  in_double.to(torch::kDouble);
  const auto images = torch::rand({2, 3, size, size});
  const auto cpu = forward_backward(reference, images);
  const auto dev = forward_backward(on_device, images.to(device));
  const auto f64 = forward_backward(in_double, images.to(torch::kDouble));
  const double logits = relative_difference(dev.logits, cpu.logits), grads = relative_difference(dev.gradients, cpu.gradients);
  const std::string shape = " forward+backward, batch 2, " + std::to_string(size) + "x" + std::to_string(size);
  report.add({kModels, name + shape + ", against CPU float32",
              "logits " + scientific(logits) + ", gradients " + scientific(grads),
              logits <= kTolerance && grads <= kTolerance, "relative 2-norm difference; limit 1e-3"});
  // Against float64, the device may be as far off as the CPU's own float32 (twice, for
  // the spread of summation orders), or 1e-3.
  const double cpu_grads = relative_difference(cpu.gradients, f64.gradients);
  const double logits64 = relative_difference(dev.logits, f64.logits), grads64 = relative_difference(dev.gradients, f64.gradients);
  const double limit = std::max(kTolerance, 2 * cpu_grads);
  report.add({kModels, name + shape + ", against CPU float64",
              "logits " + scientific(logits64) + ", gradients " + scientific(grads64) + " (CPU float32's gradients " +
                  scientific(cpu_grads) + ")",
              logits64 <= kTolerance && grads64 <= limit,
              "relative 2-norm difference; limit 1e-3, gradients max(1e-3, 2x the CPU's)"});
}

struct DeformInputs {
  at::Tensor input, offset, mask, weight, bias;
  std::vector<at::Tensor> all() const { return {input, offset, mask, weight, bias}; }
};

DeformInputs deform_inputs(std::int64_t groups) {
  torch::manual_seed(11);
  return {torch::randn({2, 8, 10, 10}), 1.5 * torch::randn({2, 18 * groups, 10, 10}),
          torch::rand({2, 9 * groups, 10, 10}), 0.2 * torch::randn({6, 8, 3, 3}), torch::randn({6})};
}

DeformInputs to(const DeformInputs& d, const c10::Device& device, c10::ScalarType dtype) {
  const auto move = [&](const at::Tensor& t) { return t.to(device, dtype).requires_grad_(true); };
  return {move(d.input), move(d.offset), move(d.mask), move(d.weight), move(d.bias)};
}

// f = sum(deform_conv(...) * r), a scalar every input reaches.
at::Tensor deform_objective(const DeformInputs& d, const at::Tensor& r, std::int64_t groups) {
  return (models::modulated_deform_conv3x3(d.input, d.offset, d.mask, d.weight, d.bias, groups) * r).sum();
}

// The analytic gradient of each input against central differences along one random
// direction: the worst |numeric - analytic| / max(1, |analytic|).
double finite_difference_error(const DeformInputs& x, const at::Tensor& r, std::int64_t groups) {
  const auto grads = torch::autograd::grad({deform_objective(x, r, groups)}, x.all());
  torch::NoGradGuard no_grad;
  const double eps = 1e-6;
  double worst = 0;
  for (std::size_t i = 0; i < grads.size(); ++i) {
    const auto v = torch::randn_like(grads[i]);
    auto plus = x.all(), minus = x.all();
    plus[i] = plus[i] + eps * v, minus[i] = minus[i] - eps * v;
    const auto f = [&](const std::vector<at::Tensor>& t) {
      return deform_objective({t[0], t[1], t[2], t[3], t[4]}, r, groups).item<double>();
    };
    const double numeric = (f(plus) - f(minus)) / (2 * eps), analytic = (grads[i] * v).sum().item<double>();
    worst = std::max(worst, std::abs(numeric - analytic) / std::max(1.0, std::abs(analytic)));
  }
  return worst;
}

}  // namespace

void check_models(const c10::Device& device, Report& report) {
  const StrictFloat32 strict;
  try {
    compare_model<models::PoolingCrackTiny>("PCT", device, 128, report);
  } catch (const std::exception& e) {
    report.add_failure(kModels, "PCT forward+backward", e.what());
  }
  try {
    compare_model<models::PoolingCrack>("PoolingCrack", device, 128, report);
  } catch (const std::exception& e) {
    report.add_failure(kModels, "PoolingCrack forward+backward", e.what());
  }
}

void check_deformable_gradient(const c10::Device& device, Report& report) {
  const StrictFloat32 strict;
  const std::int64_t groups = 2;
  try {
    const auto base = deform_inputs(groups);
    const auto r = torch::randn({2, 6, 10, 10});
    const double worst = finite_difference_error(to(base, device, torch::kDouble), r.to(device, torch::kDouble), groups);
    report.add({kModels, "deformable conv gradient, float64, against central differences", scientific(worst),
                worst <= 1e-5, "worst of input, offset, mask, weight, bias; limit 1e-5"});
    const auto x32 = to(base, device, torch::kFloat), ref = to(base, torch::kCPU, torch::kDouble);
    const auto g32 = torch::autograd::grad({deform_objective(x32, r.to(device), groups)}, x32.all());
    const auto g64 = torch::autograd::grad({deform_objective(ref, r.to(torch::kDouble), groups)}, ref.all());
    double diff = 0;
    for (std::size_t i = 0; i < g32.size(); ++i) diff = std::max(diff, relative_difference(g32[i], g64[i]));
    report.add({kModels, "deformable conv gradient, float32 against CPU float64", scientific(diff), diff <= kTolerance,
                "worst relative 2-norm difference of the five gradients; limit 1e-3"});
  } catch (const std::exception& e) {
    report.add_failure(kModels, "deformable conv gradient", e.what());
  }
}

}  // namespace crackkd::device_check
