#pragma once
// Progress over a whole `crackkd run`: which stage of how many is running, and an ETA for
// the pipeline. Training stages carry the time: their work is epochs x replicates, and
// the seconds an epoch takes are measured per stage kind (a distill epoch, with its
// teacher, costs several train epochs) from the stages already run and the one running.
// A kind not measured yet borrows the other's rate; before any epoch is measured there
// is no ETA. Evaluate, benchmark and report stages are not estimated (seconds to a few
// minutes beside hours of training).

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace crackkd::runtime {

class RunProgress {
 public:
  struct Stage {
    std::string name;
    std::string kind;
    double epochs = 0;          ///< per replicate, of a train/distill stage; 0 for the others
    std::size_t replicates = 1;
    bool will_run = true;       ///< false for a stage expected to be up to date (skipped)
  };
  /// `clock` returns seconds (steady); tests pass their own.
  explicit RunProgress(std::vector<Stage> stages, std::function<double()> clock = {});

  /// Stage `index` (in run order) starts.
  void start_stage(std::size_t index);
  /// Replicate `k` (0-based) of the running stage starts.
  void start_replicate(std::size_t k);
  /// The running replicate has done `epochs` (fractional) of its epochs.
  void epochs_done(double epochs);
  /// The running stage has finished (or was skipped after all).
  void end_stage();

  /// In a worker of a side-by-side run (`crackkd run -j`): each epochs_done goes to
  /// `listener`, and status() is "" (the parent knows the pipeline and shows its ETA).
  void report_to(std::function<void(double epochs)> listener);

  /// "stage 3/9".
  std::string position() const;
  /// Seconds left in the pipeline's training stages; none before a rate is measured or
  /// when no training is left.
  std::optional<double> eta_seconds() const;
  /// "stage 3/9, pipeline ETA 1:02:10", or "stage 3/9" without an ETA.
  std::string status() const;

 private:
  struct Rate {
    double epochs = 0;
    double seconds = 0;
  };
  Rate current_rate() const;
  std::optional<double> seconds_per_epoch(const std::string& kind) const;

  std::vector<Stage> stages_;
  std::function<double()> clock_;
  std::size_t current_ = 0;
  bool running_ = false;
  double stage_start_ = 0;
  double replicate_offset_ = 0;     // epochs of the replicates before the running one
  double current_done_ = 0;         // epochs of the running stage done, replicates included
  std::optional<double> baseline_;  // epochs already done at its first report (a resumed run)
  double baseline_seconds_ = 0;
  double current_seconds_ = 0;        // since the stage started
  std::map<std::string, Rate> finished_;  // per kind, over finished stages
  std::function<void(double)> listener_;
};

}  // namespace crackkd::runtime
