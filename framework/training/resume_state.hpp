#pragma once
// Exact resume of a training stage. After every epoch the loop writes resume.pt
// (atomically), and also mid-epoch when SIGINT or SIGTERM stops it: the model, the
// optimiser's state, the distiller's trainable parts and torch's CPU generator (stochastic
// depth), then named parts, each kept by its owner: the loop's progress (epoch, step, a
// stopped epoch's sums) and the gradient scaler's state, the checkpointer's best
// validation score, the metrics writer's rows (FitObserver::save_state). Sample order,
// augmentation and noise are drawn from (seed, stage, epoch, position) streams and need no
// state. A run killed at any point and started again continues after the last finished
// epoch and, on CPU, ends with the same weights, bit for bit, as a run that was never
// interrupted - with the same build: a resume with another build of CrackKD or its
// plugins goes on, with a warning.

#include <ATen/core/ivalue.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace torch::serialize {
class InputArchive;
}  // namespace torch::serialize

namespace crackkd::training {

/// The named parts of resume.pt beside the weights. A name keeps its meaning from one
/// version to the next: a part an older file lacks is left at its owner's default.
class ResumeParts {
 public:
  ResumeParts() = default;  ///< to save: each owner puts its parts
  /// The parts of a file read, by name.
  explicit ResumeParts(std::shared_ptr<torch::serialize::InputArchive> file) : file_(std::move(file)) {}
  void put(const std::string& name, c10::IValue value) { put_[name] = std::move(value); }
  /// The part, or nullopt when it is not there.
  std::optional<c10::IValue> get(const std::string& name) const;
  const std::map<std::string, c10::IValue>& parts() const { return put_; }

 private:
  std::map<std::string, c10::IValue> put_;
  std::shared_ptr<torch::serialize::InputArchive> file_;
};

/// The loop's own part: how far it got.
struct LoopProgress {
  std::int64_t epoch = 0;  ///< epochs finished
  std::int64_t step = 0;
  /// An epoch stopped by SIGINT/SIGTERM: the global batches of epoch `epoch + 1` done, and
  /// the sums of its loss terms so far (0 and empty after a whole epoch).
  std::int64_t epoch_batches = 0;
  std::vector<double> epoch_term_sums;
  double epoch_total_sum = 0;

  void save(ResumeParts& parts) const;
  void restore(const ResumeParts& parts);
};

/// Writes `file` atomically. `extra` (the distiller) may be null.
void save_resume_state(const std::filesystem::path& file, const std::string& fingerprint, const std::string& build,
                       const ResumeParts& parts, torch::nn::Module& model, torch::optim::Optimizer& optimizer,
                       torch::nn::Module* extra);

/// Restores model, optimiser, `extra` and torch's CPU generator from `file` when it exists
/// and was written by a run with this `fingerprint`, and returns its other parts; nullopt
/// otherwise (a fresh start). A different `build` is logged as a warning.
std::optional<ResumeParts> load_resume_state(const std::filesystem::path& file, const std::string& fingerprint,
                                             const std::string& build, torch::nn::Module& model,
                                             torch::optim::Optimizer& optimizer, torch::nn::Module* extra);

}  // namespace crackkd::training
