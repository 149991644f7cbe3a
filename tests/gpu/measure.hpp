#pragma once
// What the device check measures with: differences between tensors computed on two
// devices, and wall time of work on a device (synchronised, so a CUDA kernel still
// running is not missed).

#include <torch/nn/module.h>

#include <functional>
#include <string>

namespace crackkd::device_check {

/// ||a - b|| / ||b|| (2-norms), in float64 on the CPU; 0 when both are zero.
double relative_difference(const at::Tensor& a, const at::Tensor& b);

/// Every parameter's gradient, flattened and joined in registration order, on the CPU in
/// float64 (a parameter without a gradient contributes zeros).
at::Tensor joined_gradients(const torch::nn::Module& module);
/// The parameters themselves, joined the same way.
at::Tensor joined_weights(const torch::nn::Module& module);

/// Copies `from`'s parameters and buffers into `to` (same architecture, any device or
/// dtype), so two copies of a model start equal.
void copy_weights(const torch::nn::Module& from, torch::nn::Module& to);

/// Moves every deformable tap off the pixel grid: sets each `offset.bias` (the FaPN
/// alignment's offset convolutions) to values in [0.2, 0.3]. They start at zero, which puts
/// every tap exactly on a pixel, where bilinear sampling has a kink and its gradient with
/// respect to the offset is one-sided; rounding then picks the side, and float32 and
/// float64 on one CPU differed by 3-8 % in those gradients (1.4e-3 over all PoolingCrack's
/// gradients; 4e-7 once shifted). Draws from the global generator: seed first.
void shift_offsets_off_the_grid(torch::nn::Module& model);

/// Float32 as the CPU computes it for the guard's lifetime: TF32 off for cuDNN and
/// cuBLAS (with it, CUDA rounds convolution inputs to 10-bit mantissas and differs from
/// the CPU by ~1e-3 by design). The timed checks run with PyTorch's defaults.
class StrictFloat32 {
 public:
  StrictFloat32();
  ~StrictFloat32();
  StrictFloat32(const StrictFloat32&) = delete;
  StrictFloat32& operator=(const StrictFloat32&) = delete;

 private:
  bool cudnn_, cublas_;
};

/// Waits for the device's queued work (a no-op on the CPU).
void synchronize(const c10::Device& device);

struct Timing {
  double median_ms = 0;
  int runs = 0;
};

/// Times `work` on `device` with the benchmarks' median (tests/bench/bench_support.hpp),
/// each run waiting for the device: `warmups` untimed runs (allocator, cuDNN's algorithm
/// search), then the median of `runs`.
Timing time_work(const std::function<void()>& work, const c10::Device& device, int warmups, int runs);

/// `value` in scientific notation with 2 significant digits after the point: "3.14e-05".
std::string scientific(double value);
/// `value` with `decimals` digits after the point.
std::string fixed(double value, int decimals);

}  // namespace crackkd::device_check
