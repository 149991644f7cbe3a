#pragma once
// What the training loop shares with its observers: the run (its stage, model, options and
// the state resume.pt saves), what each step and epoch produced, and the observer
// interface. Each observer owns one job and the fields of FitRun::state that job keeps.

#include "distributed/process_group.hpp"
#include "runtime/mixed_precision.hpp"
#include "training/fit.hpp"
#include "training/resume_state.hpp"

#include <chrono>
#include <optional>

namespace crackkd::training {

struct FitRun {
  const FitStage& stage;
  Trainee trainee;
  const training::TrainingOptions& options;
  c10::Device device;
  distributed::ProcessGroup* group;  ///< null in a single process
  bool main;                         ///< rank 0, or the single process: validates and writes
  training::ResumeProgress state;      ///< what resume.pt holds
  runtime::GradScaler scaler;
  std::vector<std::string> term_names;  ///< known after the first step
};

struct StepRecord {
  std::int64_t epoch = 0;
  std::size_t batch = 0;    ///< 0-based, within the epoch
  std::size_t batches = 0;  ///< global batches in the epoch
  double lr = 0;
  std::vector<double> values;  ///< each term's value (with ranks, the global batch's mean)
  double total = 0;
  double epoch_loss = 0;       ///< mean total over the epoch's steps so far
  std::vector<double> shares;  ///< each term's share of the gradient norm at the student's outputs (this rank's batch)
};

struct EpochRecord {
  std::int64_t epoch = 0;
  std::size_t batches = 0;
  std::size_t samples = 0;  ///< in the epoch's plan
  std::vector<double> term_means;
  double loss = 0;
  double train_seconds = 0;
  std::chrono::steady_clock::time_point started;
  std::optional<double> val_dice, val_iou;  ///< set by the validator, when there is one
  double seconds = 0;                       ///< the epoch with validation and checkpoints; set by the metrics writer
};

/// Called in the order the observers were made; a later one reads what an earlier one set.
class FitObserver {
 public:
  virtual ~FitObserver() = default;
  virtual void fit_started() {}
  virtual void epoch_started(std::int64_t /*epoch*/, std::size_t /*first_batch*/, std::size_t /*batches*/) {}
  virtual void step_done(const StepRecord&) {}
  virtual void epoch_done(EpochRecord&) {}
  /// SIGINT/SIGTERM stopped the epoch after a step: `state` says how far it got.
  virtual void interrupted() {}
  virtual void fit_done() {}
};

}  // namespace crackkd::training
