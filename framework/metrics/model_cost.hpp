#pragma once
// What a model costs: parameters, multiply-accumulates (MACs) counted from the operators
// a real forward pass executes, and latency. MACs follow the thop/fvcore convention of
// the papers' tables: a convolution or matrix product counts output elements x
// (input channels / groups) x kernel area, resp. the inner dimension; biases, norms,
// activations, pooling, interpolation and sampling count nothing. A deformable
// convolution, built from grid_sample and a matrix product, counts as the dense 3x3 of
// its shape through that product.

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
