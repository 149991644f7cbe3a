#pragma once
// The training loop shared by the `train` and `distill` stages, and what it is given. The
// loop itself (fit.cpp) runs epochs of steps: batches from a threaded loader, the named
// loss terms summed and optimised, a NaN guard naming the term, the ranks of a
// data-parallel run kept in step. Everything else watches it as an observer with one job
// (observers.hpp): validation, checkpoints, metrics.csv, steps.csv, resume.pt, progress,
// the ranks' final agreement. Train and distill differ only in what computes the terms.

#include "engine/stage.hpp"
#include "engine/training_data.hpp"
#include "engine/training_options.hpp"

#include <crackkd/distiller.hpp>

#include <torch/optim/optimizer.h>

#include <functional>

namespace crackkd::training {

/// What trains: the model (saved in checkpoints with its config), its optimiser, and the
/// distiller's connectors (`extra`, or null), which resume.pt saves but checkpoints do not.
struct Trainee {
  SegmentationModel& model;
  const ComponentConfig& config;
  torch::optim::Optimizer& optimizer;
  torch::nn::Module* extra = nullptr;
};

/// What it trains on, and the dataset scored after every epoch (or null).
struct FitData {
  const engine::TrainingData& training;
  const Dataset* validation = nullptr;
};

/// One batch's named loss terms, whose sum is optimised, and the student's outputs they
/// were computed from (its logits, and features when a term reads them): each term's share
/// of the gradient norm at those outputs is logged in steps.csv (gradient_share.hpp).
struct StepLoss {
  LossTerms terms;
  std::vector<at::Tensor> outputs;
};

/// The step's loss for a batch already on the device.
using StepTerms = std::function<StepLoss(const Batch& batch)>;

/// Runs the epochs, resuming where the stage's resume.pt says when it matches the stage's
/// fingerprint.
void fit(engine::StageContext& ctx, Trainee trainee, FitData data, c10::Device device,
         const engine::TrainingOptions& options, const StepTerms& step_terms);

}  // namespace crackkd::training
