#pragma once
// Progress over a side-by-side run (`crackkd run -j N`): what runs, how far each running
// job is, and the whole run's ETA. Workers report the epochs they have done; the seconds an
// epoch takes one worker are measured per stage kind from those reports (a kind not
// measured yet borrows another's rate, as in run_progress.hpp). The ETA spreads the epochs
// left over the workers that will have jobs: min(N, jobs left). Jobs without epochs
// (evaluate, benchmark, report) are not estimated.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace crackkd::runner {

class JobsProgress {
 public:
  /// `clock` returns seconds (steady); tests pass their own.
  explicit JobsProgress(std::size_t workers, std::function<double()> clock = {});

  /// A job to run later: `label` ("nkd seed-2"), its stage kind and its epochs.
  void add(const std::string& label, const std::string& kind, double epochs);
  void started(const std::string& label);
  /// The job has done `epochs` (fractional) of its epochs, counted from its first epoch.
  void epochs_done(const std::string& label, double epochs);
  void finished(const std::string& label);

  std::optional<double> eta_seconds() const;
  /// "running nkd seed-1 (epoch 3.2/15), evaluate; 4/17 jobs done, pipeline ETA 1:10:00".
  std::string status() const;

 private:
  struct Entry {
    std::string kind;
    double epochs = 0, done = 0;
    bool running = false, finished = false;
    std::optional<double> first_done;  // epochs at the first report: a resumed job's start
    double first_seconds = 0, last_seconds = 0;
  };
  std::optional<double> seconds_per_epoch(const std::string& kind) const;

  std::size_t workers_;
  std::function<double()> clock_;
  std::map<std::string, Entry> jobs_;
  std::vector<std::string> order_;
};

}  // namespace crackkd::runner
