// distiller.dist: DIST (Huang et al., NeurIPS 2022), relations instead of values. With
// the class probabilities as a matrix (rows = pixels, columns = classes) and Pearson
// correlation rho(a, b) = cos(a - mean a, b - mean b) (eps 1e-8):
//
//   inter = tau^2 (1 - mean over pixels of rho(row_s, row_t))
//   intra = tau^2 (1 - mean over classes of rho(column_s, column_t))   (all pixels of the batch)
//   loss  = beta * inter + gamma * intra, plus the stage's ground-truth loss
//         (its `loss`, Dice by default)
//
// with the probabilities taken at temperature tau, softmax(z / tau); the tau^2 factor is
// the published one (it keeps the gradient's scale as tau grows, as in Hinton's KD).
//
// How the binary case degenerates: CrackKD's models give one logit, i.e. two classes
// with probabilities (1 - p, p) after softmax(z/tau) = sigmoid. Centred, a row is
// (0.5 - p, p - 0.5), so rho(row_s, row_t) = sign((ps - 0.5)(pt - 0.5)): the inter term
// only counts pixels on opposite sides of 0.5 and has zero gradient almost everywhere.
// Both columns give the same correlation, rho(ps, pt) over all pixels, so DIST reduces
// to gamma * (1 - rho(ps, pt)) (+ a piecewise-constant inter term). Computed as defined,
// not special-cased. Defaults beta = gamma = tau = 1, as published; the authors'
// segmentation code (hunto/DIST_KD, segmentation/losses/dist_kd.py) reads a logit map the
// same way: rows are the batch's pixels, columns its classes, softmax without temperature,
// beta = gamma = 1. A share_inter of 0 in steps.csv is this degeneracy, not a bug.
//
//   distiller = { plugin = "dist", beta = 1.0, gamma = 1.0, tau = 1.0, gt_weight = 1.0 }
//
// Header-only: built into the distillers plugin (distillers_plugin.cpp) and into the
// LibTorch-only device check (tests/gpu), which has no Boost.DLL.
#pragma once

#include <crackkd/distiller.hpp>
#include <crackkd/options.hpp>

namespace crackkd::distillers {

struct DistOptions {
  double beta = 1.0;
  double gamma = 1.0;
  double tau = 1.0;
  double gt_weight = 1.0;
  static void declare(crackkd::OptionSchema<DistOptions>& s) {
    s.optional("beta", &DistOptions::beta, "weight of the inter-class (per pixel) relation").in_range(0.0, 1e6);
    s.optional("gamma", &DistOptions::gamma, "weight of the intra-class (per class) relation").in_range(0.0, 1e6);
    s.optional("tau", &DistOptions::tau, "softmax temperature").in_range(1e-3, 1e3);
    s.optional("gt_weight", &DistOptions::gt_weight, "weight of the stage's ground-truth loss (Dice by default)").in_range(0.0, 1e6);
  }
};

/// Pearson correlation of matching rows of a and b (R x K) -> R.
inline at::Tensor pearson_rows(const at::Tensor& a, const at::Tensor& b) {
  const auto ac = a - a.mean(1, true), bc = b - b.mean(1, true);
  return (ac * bc).sum(1) / (ac.norm(2, 1) * bc.norm(2, 1) + 1e-8);
}

class Dist : public crackkd::Distiller {
 public:
  using Options = DistOptions;
  explicit Dist(const Options& o) : options_(o) {}
  void prepare(const crackkd::SegmentationModel&, const crackkd::SegmentationModel&) override {}

  crackkd::LossTerms loss(const crackkd::ModelOutput& student, const crackkd::ModelOutput& teacher,
                          const crackkd::Batch& batch) override {
    const auto ps = (student.logits / options_.tau).sigmoid().flatten();  // P pixels of the batch
    const auto pt = (teacher.logits.detach() / options_.tau).sigmoid().flatten();
    const auto rows_s = at::stack({1 - ps, ps}, 1), rows_t = at::stack({1 - pt, pt}, 1);  // P x 2
    const double scale = options_.tau * options_.tau;
    const auto inter = scale * (1 - pearson_rows(rows_s, rows_t).mean());
    const auto intra = scale * (1 - pearson_rows(rows_s.t(), rows_t.t()).mean());
    crackkd::LossTerms terms{{"inter", options_.beta * inter}, {"intra", options_.gamma * intra}};
    for (auto& term : ground_truth_terms(student.logits, batch.masks, options_.gt_weight)) terms.push_back(std::move(term));
    return terms;
  }

 private:
  Options options_;
};

}  // namespace crackkd::distillers
