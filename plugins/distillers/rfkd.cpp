// distiller.rfkd: robust feature knowledge distillation (Chen et al., the seed paper).
//
//   L = sum_i w_i * D(A_i(Fs_i), Ft_i) + w_logit * D(zs, zt) + w_gt * Dice(sigmoid(zs), y)
//
// Fs_i, Ft_i: the four stage features (strides 4, 8, 16, 32) of student and teacher;
// A_i: a trainable 1x1 conv connector from student to teacher channels (identity when
// they agree), resized bilinearly if the strides ever differ; zs, zt: the logits (or
// their sigmoids, `on = "probabilities"`). D is the paper's "pair-wise distance":
//   distance = "frobenius": ||a_n - b_n||_F per image (over C x H x W), the paper's words;
//   distance = "rows":      the 2-norm along the last axis per (n, c, h) row, what
//                           PyTorch's nn.PairwiseDistance computes on 4-D tensors;
// then reduced over the batch (and rows) by `reduction` = "mean" or "sum".
// The teacher's tensors arrive detached; gradients reach the student and connectors only.
//
// Defaults are the paper's literal reading (Frobenius on logits, batch mean, weights
// 0.25 x 4, 1, 1). Beware (../shared/docs/METHODS.md): a teacher trained on Dice alone
// saturates its logits, so the raw-logit Frobenius term can be thousands of times the
// Dice term; `on = "probabilities"` bounds it. Every term is logged separately.
//
//   distiller = { plugin = "rfkd", feature_weights = [0.25, 0.25, 0.25, 0.25], logit_weight = 1.0,
//                 gt_weight = 1.0, distance = "frobenius", on = "logits", reduction = "mean" }

#include "soft_dice.hpp"

#include <crackkd/distiller.hpp>
#include <crackkd/plugin.hpp>

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace {

struct RfkdOptions {
  std::vector<double> feature_weights = {0.25, 0.25, 0.25, 0.25};
  double logit_weight = 1.0;
  double gt_weight = 1.0;
  std::string distance = "frobenius";
  std::string on = "logits";
  std::string reduction = "mean";
  static void declare(crackkd::OptionSchema<RfkdOptions>& s) {
    s.optional("feature_weights", &RfkdOptions::feature_weights, "weights of the four feature terms")
        .size_is(4).in_range(0.0, 1e6);
    s.optional("logit_weight", &RfkdOptions::logit_weight, "weight of the logit term").in_range(0.0, 1e6);
    s.optional("gt_weight", &RfkdOptions::gt_weight, "weight of Dice on the ground truth").in_range(0.0, 1e6);
    s.optional("distance", &RfkdOptions::distance, "frobenius: per-image norm; rows: per-row norm (nn.PairwiseDistance)")
        .one_of({"frobenius", "rows"});
    s.optional("on", &RfkdOptions::on, "compare raw logits or sigmoid probabilities").one_of({"logits", "probabilities"});
    s.optional("reduction", &RfkdOptions::reduction, "over the batch (and rows): mean or sum").one_of({"mean", "sum"});
  }
};

class Rfkd : public crackkd::Distiller {
 public:
  using Options = RfkdOptions;
  explicit Rfkd(const Options& o) : options_(o) {}

  void prepare(const crackkd::SegmentationModel& teacher, const crackkd::SegmentationModel& student) override {
    const auto t = teacher.feature_channels(), s = student.feature_channels();
    for (std::size_t i = 0; i < 4; ++i) {
      if (t[i] == s[i]) connectors_->push_back(torch::nn::Identity());
      else connectors_->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(s[i], t[i], 1)));
    }
    register_module("connectors", connectors_);
  }

  crackkd::LossTerms loss(const crackkd::ModelOutput& student, const crackkd::ModelOutput& teacher,
                          const crackkd::Batch& batch) override {
    TORCH_CHECK(connectors_->size() == 4, "rfkd: prepare() was not called");
    crackkd::LossTerms terms;
    for (std::size_t i = 0; i < 4; ++i) {
      auto s = connectors_[i]->as<torch::nn::Conv2d>() ? connectors_[i]->as<torch::nn::Conv2d>()->forward(student.features[i])
                                                       : student.features[i];
      const auto& t = teacher.features[i];
      if (s.sizes().slice(2) != t.sizes().slice(2))
        s = torch::nn::functional::interpolate(
            s, torch::nn::functional::InterpolateFuncOptions()
                   .size(std::vector<std::int64_t>{t.size(2), t.size(3)})
                   .mode(torch::kBilinear)
                   .align_corners(false));
      terms.emplace_back("feature" + std::to_string(i + 1), options_.feature_weights[i] * distance(s, t.detach()));
    }
    const bool probabilities = options_.on == "probabilities";
    const auto zs = probabilities ? student.logits.sigmoid() : student.logits;
    const auto zt = probabilities ? teacher.logits.detach().sigmoid() : teacher.logits.detach();
    terms.emplace_back("logits", options_.logit_weight * distance(zs, zt));
    terms.emplace_back("dice", options_.gt_weight * crackkd::plugins::soft_dice_loss(student.logits, batch.masks));
    return terms;
  }

  /// D(a, b) as the options define it.
  at::Tensor distance(const at::Tensor& a, const at::Tensor& b) const {
    const auto diff = a - b;
    const auto per = options_.distance == "frobenius" ? diff.flatten(1).norm(2, 1) : diff.norm(2, -1);
    return options_.reduction == "mean" ? per.mean() : per.sum();
  }

 private:
  Options options_;
  torch::nn::ModuleList connectors_;
};

}  // namespace

CRACKKD_PLUGIN(distiller, rfkd, Rfkd,
               "Robust feature KD (the seed paper): 4 feature terms via 1x1 connectors + logit term + Dice on ground truth")
