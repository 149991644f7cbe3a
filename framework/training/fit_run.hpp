#pragma once
// What the training loop shares with its observers: the run (its stage, model, options and
// progress), what each step and epoch produced (validation included: the loop scores it
// before any observer sees the epoch), and the observer interface. Each observer owns one
// job and its own part of resume.pt; none reads what another sets, so their order is
// only the order their files reach the disk.

#include "distributed/process_group.hpp"
#include "runtime/mixed_precision.hpp"
#include "training/fit.hpp"
#include "training/resume_state.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace crackkd::training {

struct FitRun {
  const FitStage& stage;
  Trainee trainee;
  const training::TrainingOptions& options;
  c10::Device device;
  distributed::ProcessGroup* group;  ///< null in a single process
  bool main;                         ///< rank 0, or the single process: validates and writes
  LoopProgress progress;             ///< the loop's part of resume.pt
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
  std::size_t samples = 0;  ///< the epoch's
  std::vector<double> term_means;
  double loss = 0;
  double train_seconds = 0;
  std::chrono::steady_clock::time_point started;
  std::optional<double> val_dice, val_iou;  ///< the validation scores, when the stage validates
  double seconds = 0;                       ///< training and validation
};

/// Told what the loop did; each call goes to every observer in the order they were made
/// (the order their files reach the disk), none depending on another.
class FitObserver {
 public:
  virtual ~FitObserver() = default;
  virtual void fit_started() {}
  virtual void epoch_started(std::int64_t /*epoch*/, std::size_t /*first_batch*/, std::size_t /*batches*/) {}
  virtual void step_done(const StepRecord&) {}
  virtual void epoch_done(const EpochRecord&) {}
  /// SIGINT/SIGTERM stopped the epoch after a step: the run's progress says how far it got.
  virtual void interrupted() {}
  virtual void fit_done() {}
  /// Its own part of resume.pt, put with every resume.pt the loop writes, and read back
  /// when a run resumes (before fit_started).
  virtual void save_state(ResumeParts& /*parts*/) const {}
  virtual void restore_state(const ResumeParts& /*parts*/) {}
};

using FitObservers = std::vector<std::unique_ptr<FitObserver>>;

/// resume.pt of `run` (fit_resume.cpp): the weights, the loop's progress and the gradient
/// scaler, and every observer's part.
void save_fit_state(FitRun& run, const FitObservers& observers);
/// Restores `run` and its observers from resume.pt when it was written for this stage's
/// fingerprint; logs where it resumes.
void restore_fit_state(FitRun& run, FitObservers& observers);
/// resume.pt, once the stage has finished: checkpoint.pt and best.pt are the results.
void remove_fit_state(const FitRun& run);

/// Scores the validation dataset after an epoch (validator.cpp) into `epoch`.
void validate_epoch(FitRun& run, const Dataset& validation, EpochRecord& epoch);

}  // namespace crackkd::training
