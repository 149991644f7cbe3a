#include "measure.hpp"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace crackkd::device_check {

double relative_difference(const at::Tensor& a, const at::Tensor& b) {
  const auto x = a.detach().to(torch::kCPU, torch::kDouble), y = b.detach().to(torch::kCPU, torch::kDouble);
  const double scale = y.norm().item<double>(), diff = (x - y).norm().item<double>();
  return scale > 0 ? diff / scale : diff;
}

at::Tensor joined_gradients(const torch::nn::Module& module) {
  std::vector<at::Tensor> parts;
  for (const auto& p : module.parameters()) {
    const auto g = p.grad();
    parts.push_back(g.defined() ? g.detach().to(torch::kCPU, torch::kDouble).flatten()
                                : torch::zeros({p.numel()}, torch::kDouble));
  }
  return torch::cat(parts);
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

Timing time_work(const std::function<void()>& work, const c10::Device& device, int warmups, int min_runs,
                 double budget_s) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < warmups; ++i) work();
  synchronize(device);
  std::vector<double> ms;
  const auto start = Clock::now();
  while (static_cast<int>(ms.size()) < min_runs ||
         (std::chrono::duration<double>(Clock::now() - start).count() < budget_s && ms.size() < 200)) {
    const auto t0 = Clock::now();
    work();
    synchronize(device);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::nth_element(ms.begin(), ms.begin() + static_cast<std::ptrdiff_t>(ms.size() / 2), ms.end());
  return {ms[ms.size() / 2], static_cast<int>(ms.size())};
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
