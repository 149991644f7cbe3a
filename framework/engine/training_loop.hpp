#pragma once
// The loop shared by the `train` and `distill` stages: epochs of batches from a threaded
// loader, named loss terms summed and optimised, a NaN guard naming the term, validation
// after every epoch, checkpoints (checkpoint.pt = last, best.pt = best validation mDS,
// both written atomically), metrics.csv (one row per epoch, one column per term),
// steps.csv (one row per step: epoch, step, lr, each term, total; also logged at debug
// level) and resume.pt (see resume_state.hpp), removed when the stage finishes. steps.csv
// gets an epoch's rows, synced to disk, just before that epoch's resume.pt; a resumed run
// first drops the rows past its resume point, so its steps.csv equals an uninterrupted run's.

#include "engine/stage.hpp"
#include "engine/training_data.hpp"

#include <crackkd/distiller.hpp>

#include <torch/optim/optimizer.h>

#include <functional>

namespace crackkd::engine {

struct FitOptions {
  std::int64_t epochs = 1;
  std::int64_t batch_size = 2;
  std::int64_t workers = 1;
  std::int64_t prefetch = 4;
  double threshold = 0.5;
  std::string lr_schedule = "constant";
  double lr = 1e-3;
  std::int64_t warmup_epochs = 0;
  bool amp = false;  ///< mixed precision (CUDA only)
};

/// The named loss terms of one batch (already on the device); their sum is optimised.
using StepTerms = std::function<LossTerms(const Batch& batch)>;

/// Runs the epochs, resuming after the last finished one when the stage's resume.pt
/// matches its fingerprint. `extra` (a distiller's connectors, or null) is saved for resume.
void fit(StageContext& ctx, SegmentationModel& model, const ComponentConfig& model_config, const TrainingData& data,
         const Dataset* validation, torch::optim::Optimizer& optimizer, c10::Device device, const FitOptions& options,
         const StepTerms& step_terms, torch::nn::Module* extra = nullptr);

}  // namespace crackkd::engine
