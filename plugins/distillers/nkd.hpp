// distiller.nkd: naive (Hinton) knowledge distillation on the crack logit. Each pixel is
// a two-class problem, so with q = sigmoid(z / T) the per-pixel KL divergence is
//
//   KL = qt (log qt - log qs) + (1 - qt) (log(1 - qt) - log(1 - qs))
//
// computed stably with log sigmoid(x) = -softplus(-x), log(1 - sigmoid(x)) = -softplus(x);
// times T^2 (Hinton's gradient scaling), averaged over all N x H x W pixels; plus the
// stage's ground-truth loss (Dice by default). T = 1 is the segmentation codes' default
// (4 is classification's).
//
//   distiller = { plugin = "nkd", temperature = 1.0, kd_weight = 1.0, gt_weight = 1.0 }
//
// Header-only: built into the distillers plugin (distillers_plugin.cpp) and into the
// LibTorch-only device check (tests/gpu), which has no Boost.DLL.
#pragma once

#include <crackkd/distiller.hpp>
#include <crackkd/options.hpp>

namespace crackkd::distillers {

struct NkdOptions {
  double temperature = 1.0;
  double kd_weight = 1.0;
  double gt_weight = 1.0;
  static void declare(crackkd::OptionSchema<NkdOptions>& s) {
    s.optional("temperature", &NkdOptions::temperature, "softening temperature T").in_range(1e-3, 1e3);
    s.optional("kd_weight", &NkdOptions::kd_weight, "weight of the KL term").in_range(0.0, 1e6);
    s.optional("gt_weight", &NkdOptions::gt_weight, "weight of the stage's ground-truth loss (Dice by default)").in_range(0.0, 1e6);
  }
};

class Nkd : public crackkd::Distiller {
 public:
  using Options = NkdOptions;
  explicit Nkd(const Options& o) : options_(o) {}
  void prepare(const crackkd::SegmentationModel&, const crackkd::SegmentationModel&) override {}

  crackkd::LossTerms loss(const crackkd::ModelOutput& student, const crackkd::ModelOutput& teacher,
                          const crackkd::Batch& batch) override {
    const double t = options_.temperature;
    const auto zs = student.logits / t, zt = teacher.logits.detach() / t;
    const auto qt = zt.sigmoid();
    const auto log_qs = -at::softplus(-zs), log_1_qs = -at::softplus(zs);
    const auto log_qt = -at::softplus(-zt), log_1_qt = -at::softplus(zt);
    const auto kl = qt * (log_qt - log_qs) + (1 - qt) * (log_1_qt - log_1_qs);
    crackkd::LossTerms terms{{"kd", options_.kd_weight * t * t * kl.mean()}};
    for (auto& term : ground_truth_terms(student.logits, batch.masks, options_.gt_weight)) terms.push_back(std::move(term));
    return terms;
  }

 private:
  Options options_;
};

}  // namespace crackkd::distillers
