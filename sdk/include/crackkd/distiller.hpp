#pragma once
// A knowledge distiller: how a student learns from a frozen teacher. It owns its trainable
// parts (connectors), which the engine optimises with the student and drops afterwards.

#include <crackkd/model.hpp>
#include <crackkd/sample.hpp>

#include <string>
#include <utility>
#include <vector>

namespace crackkd {

/// Named loss terms; the engine logs each and sums them. Example: {{"feature1", f1}, {"dice", d}}.
using LossTerms = std::vector<std::pair<std::string, at::Tensor>>;

/// Example:
///   distiller->prepare(*teacher, *student);   // builds 1x1 connectors from channel counts
///   auto terms = distiller->loss(student->forward(x), teacher_out, batch);
class Distiller : public torch::nn::Module {
 public:
  /// Called once before training, with both models on the training device.
  virtual void prepare(const SegmentationModel& teacher, const SegmentationModel& student) = 0;
  virtual LossTerms loss(const ModelOutput& student, const ModelOutput& teacher, const Batch& batch) = 0;
};

}  // namespace crackkd
