#pragma once
// The training loop shared by the `train` and `distill` stages, and what it is given. The
// loop itself (fit.cpp) runs epochs of steps: batches from a threaded loader, the named
// loss terms summed and optimised, a NaN guard naming the term, the ranks of a
// data-parallel run kept in step, each epoch validated and resume.pt written after it.
// Everything else watches it as an observer with one job (observers.hpp): checkpoints,
// metrics.csv, steps.csv, progress, the ranks' final agreement. Train and distill differ
// only in what computes the terms.

#include "training/training_data.hpp"
#include "training/training_options.hpp"

#include <crackkd/distiller.hpp>

#include <torch/optim/optimizer.h>

#include <filesystem>
#include <functional>

namespace crackkd::distributed {
class ProcessGroup;
}  // namespace crackkd::distributed

namespace crackkd::runtime {
class RunProgress;
}  // namespace crackkd::runtime

namespace crackkd::training {

/// The stage a fit trains for, as the loop sees it: where it writes (its checkpoints,
/// metrics.csv, steps.csv and resume.pt), what its resume state must match, and the run
/// it is part of.
struct FitStage {
  std::string name;                  ///< the stage's name, in logs and errors
  std::filesystem::path out_dir;     ///< its folder (a replicate's)
  std::filesystem::path run_dir;     ///< <workdir>/<pipeline name>: checkpoints say what trained them relative to its parent
  std::string fingerprint;           ///< resume.pt resumes only a run of the same fingerprint
  std::string build;                 ///< of the code that runs it, recorded in resume.pt
  distributed::ProcessGroup* group = nullptr;    ///< the ranks of a data-parallel run, or null
  runtime::RunProgress* run_progress = nullptr;   ///< the whole run's progress, or null
};

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
  const training::TrainingData& training;
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
void fit(const FitStage& stage, Trainee trainee, FitData data, c10::Device device,
         const training::TrainingOptions& options, const StepTerms& step_terms);

}  // namespace crackkd::training
