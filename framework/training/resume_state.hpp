#pragma once
// Exact resume of a training stage. After every epoch the loop writes resume.pt
// (atomically), and also mid-epoch when SIGINT or SIGTERM stops it: the model, the optimiser's state, the distiller's trainable parts, the
// epoch and step reached, the best validation score, the metrics rows so far, the
// gradient scaler's state, and torch's CPU generator (stochastic depth). Sample order, augmentation and noise are
// drawn from (seed, stage, epoch, position) streams and need no state. A run killed at
// any point and started again continues after the last finished epoch and, on CPU, ends
// with the same weights, bit for bit, as a run that was never interrupted - with the same
// build: a resume with another build of CrackKD or its plugins goes on, with a warning.

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace crackkd::training {

struct ResumeProgress {
  std::int64_t epoch = 0;  ///< epochs finished
  std::int64_t step = 0;
  double best_dice = -1;
  std::string metrics_csv;  ///< metrics.csv as written after `epoch`
  double amp_scale = 65536.0;  ///< the gradient scaler's state (mixed precision)
  std::int64_t amp_good_steps = 0;
  /// An epoch stopped by SIGINT/SIGTERM: the global batches of epoch `epoch + 1` done, and
  /// the sums of its loss terms so far (0 and empty after a whole epoch).
  std::int64_t epoch_batches = 0;
  std::vector<double> epoch_term_sums;
  double epoch_total_sum = 0;
};

/// Writes `file` atomically. `extra` (the distiller) may be null.
void save_resume_state(const std::filesystem::path& file, const std::string& fingerprint, const std::string& build,
                       const ResumeProgress& progress,
                       torch::nn::Module& model, torch::optim::Optimizer& optimizer, torch::nn::Module* extra);

/// Restores model, optimiser, `extra` and torch's CPU generator from `file` when it exists
/// and was written by a run with this `fingerprint`; nullopt otherwise (a fresh start).
/// A different `build` is logged as a warning.
std::optional<ResumeProgress> load_resume_state(const std::filesystem::path& file, const std::string& fingerprint,
                                                const std::string& build,
                                                torch::nn::Module& model, torch::optim::Optimizer& optimizer,
                                                torch::nn::Module* extra);

}  // namespace crackkd::training
