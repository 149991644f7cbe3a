#pragma once
// What a model costs: parameters, multiply-accumulates (MACs) counted from the operators
// a real forward pass executes, and latency. MACs follow the thop/fvcore convention of
// the papers' tables: a convolution or matrix product counts output elements x
// (input channels / groups) x kernel area, resp. the inner dimension; biases, norms,
// activations, pooling, interpolation and sampling count nothing. A deformable
// convolution, built from grid_sample and a matrix product, counts as the dense 3x3 of
// its shape through that product.

#include <c10/core/Device.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <functional>

namespace crackkd::metrics {

std::int64_t count_parameters(const torch::nn::Module& module);

/// MACs of the convolutions and matrix products (aten::convolution, mm, bmm, addmm,
/// baddbmm, matmul, linear; nested calls count once) that `work` runs on this thread.
std::int64_t count_macs(const std::function<void()>& work);

struct Latency {
  double median_ms = 0;
  double p90_ms = 0;
  int runs = 0;
};

/// Times `work` `runs` times after `warmup` untimed runs; `synchronize` (may be empty)
/// is called before each clock reading, e.g. to wait for CUDA.
Latency measure_latency(const std::function<void()>& work, int warmup, int runs,
                        const std::function<void()>& synchronize = {});

}  // namespace crackkd::metrics

namespace crackkd {
class SegmentationModel;
}

namespace crackkd::metrics {

struct ModelCost {
  std::int64_t params = 0;
  std::int64_t macs = 0;  ///< of one batch-1 forward
  Latency latency;        ///< batch-1 forwards
};

/// Parameters, MACs and batch-1 latency of `model` (moved to `device`, put in eval mode)
/// on a random 1x3x`height`x`width` input, under inference mode; `warmup` untimed runs,
/// then `runs` timed ones, waiting for CUDA before each clock reading.
ModelCost measure_model_cost(SegmentationModel& model, c10::Device device, std::int64_t height, std::int64_t width,
                             int warmup, int runs);

}  // namespace crackkd::metrics
