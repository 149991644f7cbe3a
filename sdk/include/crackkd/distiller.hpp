#pragma once
// A knowledge distiller: how a student learns from a frozen teacher. It owns its trainable
// parts (connectors), which the engine optimises with the student and drops afterwards.

#include <crackkd/model.hpp>
#include <crackkd/sample.hpp>

#include <crackkd/error.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace crackkd {

/// Named loss terms; the engine logs each and sums them. Example: {{"feature1", f1}, {"dice", d}}.
using LossTerms = std::vector<std::pair<std::string, at::Tensor>>;

/// The stage's ground-truth loss (its `loss`, Dice by default) as named, weighted terms of
/// the student's logits and the masks.
using GroundTruthLoss = std::function<LossTerms(const at::Tensor& logits, const at::Tensor& masks)>;

/// Example:
///   distiller->set_ground_truth_loss(stage_loss);  // the engine does this first
///   distiller->prepare(*teacher, *student);        // builds 1x1 connectors from channel counts
///   auto terms = distiller->loss(student->forward(x), teacher_out, batch);
///
/// A distiller adds the ground truth's terms through `ground_truth_terms` rather than
/// computing a loss of its own, so a stage's `loss = [...]` reaches every distiller.
class Distiller : public torch::nn::Module {
 public:
  /// Called once before training, with both models on the training device.
  virtual void prepare(const SegmentationModel& teacher, const SegmentationModel& student) = 0;
  virtual LossTerms loss(const ModelOutput& student, const ModelOutput& teacher, const Batch& batch) = 0;

  /// Set by the engine before prepare(): the stage's ground-truth loss.
  void set_ground_truth_loss(GroundTruthLoss loss) { ground_truth_loss_ = std::move(loss); }

 protected:
  /// The stage's ground-truth terms for the student's logits, each scaled by `weight`
  /// (the distiller's own weight of the task loss, e.g. RFKD's w_gt).
  LossTerms ground_truth_terms(const at::Tensor& logits, const at::Tensor& masks, double weight) const {
    if (!ground_truth_loss_) throw Error("distiller: no ground-truth loss was set; call set_ground_truth_loss first");
    LossTerms terms = ground_truth_loss_(logits, masks);
    for (auto& term : terms) term.second = weight * term.second;
    return terms;
  }

 private:
  GroundTruthLoss ground_truth_loss_;
};

}  // namespace crackkd
