// distiller.cwd: channel-wise distillation (Shu et al., ICCV 2021). For each image and
// channel of the logits, a softmax over the H x W positions of z / tau turns the map into
// a spatial distribution; the student's is pulled to the teacher's by KL divergence:
//
//   loss = tau^2 * sum_{n,c} sum_hw phi_t (log phi_t - log phi_s) / (N * C)
//
// With CrackKD's one-channel logits, C = 1: it matches *where* the crack mass is, not how
// confident each pixel is. Plus the stage's ground-truth loss (Dice by default). Defaults:
// tau = 1 and weight 5, as MMRazor's Cityscapes logit configuration.
//
// At the head's resolution (`stride = 4`, the default): CWD was published on the logit
// maps segmentation heads predict, before they are upsampled to the image. PCT's,
// PoolingCrack's and the FPN baselines' heads predict at stride 4 and upsample bilinearly,
// so both maps are average-pooled 4 x 4 first (ceil mode: a partial edge cell averages
// what it holds). `stride = 1` compares the upsampled maps, 16 times as many positions.
//
//   distiller = { plugin = "cwd", tau = 1.0, kd_weight = 5.0, gt_weight = 1.0, stride = 4 }
//
// Header-only: built into the distillers plugin (distillers_plugin.cpp) and into the
// LibTorch-only device check (tests/gpu), which has no Boost.DLL.
#pragma once

#include <crackkd/distiller.hpp>
#include <crackkd/options.hpp>

namespace crackkd::distillers {

struct CwdOptions {
  double tau = 1.0;
  double kd_weight = 5.0;
  double gt_weight = 1.0;
  std::int64_t stride = 4;
  static void declare(crackkd::OptionSchema<CwdOptions>& s) {
    s.optional("tau", &CwdOptions::tau, "spatial softmax temperature").in_range(1e-3, 1e3);
    s.optional("kd_weight", &CwdOptions::kd_weight, "weight of the channel-wise KL term").in_range(0.0, 1e6);
    s.optional("gt_weight", &CwdOptions::gt_weight, "weight of the stage's ground-truth loss (Dice by default)").in_range(0.0, 1e6);
    s.optional("stride", &CwdOptions::stride, "compare the logit maps average-pooled to this stride (4: the heads' resolution)")
        .in_range(1, 64);
  }
};

class Cwd : public crackkd::Distiller {
 public:
  using Options = CwdOptions;
  explicit Cwd(const Options& o) : options_(o) {}
  void prepare(const crackkd::SegmentationModel&, const crackkd::SegmentationModel&) override {}

  crackkd::LossTerms loss(const crackkd::ModelOutput& student, const crackkd::ModelOutput& teacher,
                          const crackkd::Batch& batch) override {
    const double tau = options_.tau;
    const auto n = student.logits.size(0), c = student.logits.size(1);
    const auto s = (at_stride(student.logits) / tau).flatten(2);  // N x C x HW
    const auto t = (at_stride(teacher.logits.detach()) / tau).flatten(2);
    const auto log_ps = s.log_softmax(2), log_pt = t.log_softmax(2);
    const auto kl = (log_pt.exp() * (log_pt - log_ps)).sum() * (tau * tau) / static_cast<double>(n * c);
    crackkd::LossTerms terms{{"cwd", options_.kd_weight * kl}};
    for (auto& term : ground_truth_terms(student.logits, batch.masks, options_.gt_weight)) terms.push_back(std::move(term));
    return terms;
  }

 private:
  at::Tensor at_stride(const at::Tensor& logits) const {
    if (options_.stride == 1) return logits;
    return at::avg_pool2d(logits, {options_.stride, options_.stride}, {options_.stride, options_.stride}, {0, 0},
                          /*ceil_mode=*/true, /*count_include_pad=*/false);
  }

  Options options_;
};

}  // namespace crackkd::distillers
