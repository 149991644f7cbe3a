#include "metrics/model_cost.hpp"

#include <ATen/ExpandUtils.h>
#include <ATen/record_function.h>
#include <crackkd/model.hpp>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

namespace crackkd::metrics {

namespace {

struct Counter {
  std::int64_t macs = 0;
  int depth = 0;  ///< inside a counted operator: its nested operators are its implementation
};
thread_local Counter* active = nullptr;

struct Counted : at::ObserverContext {};

std::int64_t product(c10::IntArrayRef dims) {
  std::int64_t p = 1;
  for (auto d : dims) p *= d;
  return p;
}

std::int64_t convolution_macs(const c10::ArrayRef<const c10::IValue>& in) {
  // aten::convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups)
  const auto& input = in[0].toTensor();
  const auto& weight = in[1].toTensor();
  const auto stride = in[3].toIntVector(), padding = in[4].toIntVector(), dilation = in[5].toIntVector();
  const bool transposed = in[6].toBool();
  const auto spatial = weight.dim() - 2;
  std::int64_t out_elements = input.size(0) * (transposed ? weight.size(1) * in[8].toInt() : weight.size(0));
  for (std::int64_t d = 0; d < spatial; ++d) {
    const auto size = input.size(2 + d), k = weight.size(2 + d);
    // A one-element stride, padding or dilation applies to every spatial dimension.
    const auto at = [d](const std::vector<std::int64_t>& v) { return v.size() == 1 ? v[0] : v[static_cast<std::size_t>(d)]; };
    const auto s = at(stride), p = at(padding), dl = at(dilation);
    out_elements *= transposed ? (size - 1) * s - 2 * p + dl * (k - 1) + 1 : (size + 2 * p - dl * (k - 1) - 1) / s + 1;
  }
  // Each output element: (Cin / groups) x kernel area products. weight is [Co, Cin/g, k...]
  // (transposed: [Cin, Co/g, k...], each output sums Cin/g inputs).
  const std::int64_t per_output = (transposed ? weight.size(0) / in[8].toInt() : weight.size(1)) * product(weight.sizes().slice(2));
  return out_elements * per_output;
}

std::int64_t matmul_macs(const at::Tensor& a, const at::Tensor& b) {
  if (a.dim() == 0 || b.dim() == 0) return 0;
  const auto k = a.size(-1);
  const auto n = a.dim() >= 2 ? a.size(-2) : 1;
  const auto m = b.dim() >= 2 ? b.size(-1) : 1;
  const auto batch_a = a.dim() > 2 ? a.sizes().slice(0, a.dim() - 2) : c10::IntArrayRef{};
  const auto batch_b = b.dim() > 2 ? b.sizes().slice(0, b.dim() - 2) : c10::IntArrayRef{};
  return product(at::infer_size(batch_a, batch_b)) * n * k * m;
}

std::unique_ptr<at::ObserverContext> on_start(const at::RecordFunction& fn) {
  if (!active) return nullptr;
  const char* name = fn.name();
  const auto in = fn.inputs();
  std::int64_t macs = -1;
  if (std::strcmp(name, "aten::convolution") == 0) macs = convolution_macs(in);
  else if (std::strcmp(name, "aten::mm") == 0 || std::strcmp(name, "aten::bmm") == 0 || std::strcmp(name, "aten::matmul") == 0)
    macs = matmul_macs(in[0].toTensor(), in[1].toTensor());
  else if (std::strcmp(name, "aten::addmm") == 0 || std::strcmp(name, "aten::baddbmm") == 0)
    macs = matmul_macs(in[1].toTensor(), in[2].toTensor());
  else if (std::strcmp(name, "aten::linear") == 0) {
    const auto& x = in[0].toTensor();
    const auto& w = in[1].toTensor();
    macs = x.numel() / std::max<std::int64_t>(1, x.size(-1)) * w.size(0) * w.size(1);
  }
  if (macs < 0) return nullptr;
  if (active->depth == 0) active->macs += macs;
  ++active->depth;
  return std::make_unique<Counted>();
}

void on_end(const at::RecordFunction&, at::ObserverContext* context) {
  if (context && active) --active->depth;
}

}  // namespace

std::int64_t count_parameters(const torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

std::int64_t count_macs(const std::function<void()>& work) {
  Counter counter;
  active = &counter;
  auto handle = at::addThreadLocalCallback(
      at::RecordFunctionCallback(&on_start, &on_end).needsInputs(true).scopes({at::RecordScope::FUNCTION}));
  try {
    work();
  } catch (...) {
    at::removeCallback(handle);
    active = nullptr;
    throw;
  }
  at::removeCallback(handle);
  active = nullptr;
  return counter.macs;
}

Latency measure_latency(const std::function<void()>& work, int warmup, int runs,
                        const std::function<void()>& synchronize) {
  for (int i = 0; i < warmup; ++i) work();
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    if (synchronize) synchronize();
    const auto start = std::chrono::steady_clock::now();
    work();
    if (synchronize) synchronize();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  Latency l;
  l.runs = runs;
  if (!times.empty()) {
    l.median_ms = times[times.size() / 2];
    l.p90_ms = times[std::min(times.size() - 1, static_cast<std::size_t>(0.9 * static_cast<double>(times.size())))];
  }
  return l;
}

ModelCost measure_model_cost(SegmentationModel& model, c10::Device device, std::int64_t height, std::int64_t width,
                             int warmup, int runs) {
  model.to(device);
  model.eval();
  torch::InferenceMode inference;
  const auto input = torch::rand({1, 3, height, width}, torch::TensorOptions().device(device));
  ModelCost cost;
  cost.params = count_parameters(model);
  cost.macs = count_macs([&] { model.forward(input); });
  std::function<void()> sync;
  if (device.is_cuda()) sync = [] { torch::cuda::synchronize(); };
  cost.latency = measure_latency([&] { model.forward(input); }, warmup, runs, sync);
  return cost;
}

}  // namespace crackkd::metrics
