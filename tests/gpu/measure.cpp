#include "measure.hpp"

#include "bench_support.hpp"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace crackkd::device_check {

double relative_difference(const at::Tensor& a, const at::Tensor& b) {
  const auto x = a.detach().to(torch::kCPU, torch::kDouble), y = b.detach().to(torch::kCPU, torch::kDouble);
  const double scale = y.norm().item<double>(), diff = (x - y).norm().item<double>();
  return scale > 0 ? diff / scale : diff;
}

namespace {

// Each parameter's `part` (its data or its gradient), flattened and joined, float64 on the CPU.
template <class Part> at::Tensor joined(const torch::nn::Module& module, Part part) {
  std::vector<at::Tensor> parts;
  for (const auto& p : module.parameters()) {
    const at::Tensor t = part(p);
    parts.push_back(t.defined() ? t.detach().to(torch::kCPU, torch::kDouble).flatten()
                                : torch::zeros({p.numel()}, torch::kDouble));
  }
  return torch::cat(parts);
}

}  // namespace

at::Tensor joined_gradients(const torch::nn::Module& module) {
  return joined(module, [](const at::Tensor& p) { return p.grad(); });
}

at::Tensor joined_weights(const torch::nn::Module& module) {
  return joined(module, [](const at::Tensor& p) { return p; });
}

void copy_weights(const torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  const auto params = from.named_parameters(), buffers = from.named_buffers();
  for (auto& p : to.named_parameters()) p.value().copy_(params[p.key()]);
  for (auto& b : to.named_buffers()) b.value().copy_(buffers[b.key()]);
}

void shift_offsets_off_the_grid(torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  const std::string suffix = "offset.bias";
  for (auto& p : model.named_parameters())
    if (p.key().size() >= suffix.size() && p.key().compare(p.key().size() - suffix.size(), suffix.size(), suffix) == 0)
      p.value().uniform_(0.2, 0.3);
}

StrictFloat32::StrictFloat32()
    : cudnn_(at::globalContext().allowTF32CuDNN()), cublas_(at::globalContext().allowTF32CuBLAS()) {
  at::globalContext().setAllowTF32CuDNN(false);
  at::globalContext().setAllowTF32CuBLAS(false);
}

StrictFloat32::~StrictFloat32() {
  at::globalContext().setAllowTF32CuDNN(cudnn_);
  at::globalContext().setAllowTF32CuBLAS(cublas_);
}

void synchronize(const c10::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.has_index() ? device.index() : -1);
}

Timing time_work(const std::function<void()>& work, const c10::Device& device, int warmups, int runs) {
  return {bench::median_ms(warmups, runs, [&] {
            work();
            synchronize(device);
          }),
          runs};
}

std::string scientific(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2e", value);
  return text;
}

std::string fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace crackkd::device_check
