// PCT inference at 448x448, batch 1 and 16 (2 on the CPU): the plugin's eager forward,
// and the frozen TorchScript trace `crackkd infer` and the benchmark stage run by default
// (framework/deploy/traced_model.hpp, then torch::jit::freeze and optimize_for_inference).

#include "checks.hpp"
#include "deploy/traced_model.hpp"
#include "measure.hpp"
#include "pooling_crack_model.hpp"

#include <torch/script.h>
#include <torch/torch.h>

namespace crackkd::device_check {

namespace {

const std::string kInference = "PCT inference at 448x448";

std::string throughput(const Timing& t, std::int64_t batch) {
  return fixed(t.median_ms, 2) + " ms per batch, " + fixed(1000.0 * static_cast<double>(batch) / t.median_ms, 1) +
         " images/s (median of " + std::to_string(t.runs) + ")";
}

void time_batch(models::PoolingCrackTiny& model, std::int64_t batch, const c10::Device& device, Report& report,
                const Effort& effort) {
  torch::NoGradGuard no_grad;
  const auto images = torch::rand({batch, 3, 448, 448}).to(device);
  const std::string suffix = ", batch " + std::to_string(batch);
  const auto eager_logits = model.forward(images).logits;
  const auto eager = time_work([&] { model.forward(images); }, device, effort.warmups, effort.runs);
  report.add({kInference, "eager" + suffix, throughput(eager, batch), true, ""});

  const deploy::InputShape shape{batch, 448, 448, false};
  auto traced = deploy::trace_logits(model, shape, "model.pct");
  traced.eval();
  auto fixed_weights = torch::jit::freeze(traced);
  auto frozen = torch::jit::optimize_for_inference(fixed_weights);
  const auto frozen_logits = frozen.forward({images}).toTensor();
  const double diff = relative_difference(frozen_logits, eager_logits);
  const auto timing = time_work([&] { frozen.forward({images}); }, device, effort.warmups, effort.runs);
  report.add({kInference, "frozen TorchScript" + suffix,
              throughput(timing, batch) + "; " + fixed(eager.median_ms / timing.median_ms, 2) + "x eager",
              diff <= 1e-3, "logits against eager: " + scientific(diff) + " (limit 1e-3)"});
}

}  // namespace

void check_pct_inference(const c10::Device& device, Report& report, const Effort& effort) {
  torch::manual_seed(1);
  models::PoolingCrackTiny model{models::PoolingCrackTiny::Options{}};
  model.to(device);
  model.eval();
  for (const std::int64_t batch : {std::int64_t{1}, effort.large_batch}) {
    try {
      time_batch(model, batch, device, report, effort);
    } catch (const std::exception& e) {
      report.add_failure(kInference, "batch " + std::to_string(batch), e.what());
    }
  }
}

}  // namespace crackkd::device_check
