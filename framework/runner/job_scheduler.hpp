#pragma once
// Which job of a side-by-side run (`crackkd run -j N`) starts next. A job is a stage, or
// one replicate (seed) of a stage run per seed; the parallel runner adds a stage's jobs
// once the stages it reads have finished, so here only three rules remain, applied to the
// waiting jobs in the order they were added (the pipeline's order, seeds ascending):
// - at most N jobs run;
// - a job that runs alone (it measures time) starts when nothing runs and nothing starts
//   beside it; the jobs added after it wait for it, so it is not put off forever;
// - of the jobs sharing a cache key (distill stages that read one teacher's outputs, for
//   one seed), one runs until one has finished: the first fills the cache and the others
//   read it instead of computing the teacher again. A failed filler hands the task on.

#include <cstddef>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace crackkd::runner {

struct Job {
  std::string stage;
  std::string replicate;     ///< the seed's folder ("seed-2"), or "" for the whole stage
  std::string kind;          ///< the stage's kind, for the progress
  double epochs = 0;         ///< its training epochs, for the ETA; 0 for the others
  std::string shared_cache;  ///< the cache key with the replicate, or ""
  bool alone = false;

  /// "nkd/seed-2", "evaluate": how a worker is told its job.
  std::string id() const { return replicate.empty() ? stage : stage + "/" + replicate; }
  /// "nkd seed-2", "evaluate": how the log names it.
  std::string label() const { return replicate.empty() ? stage : stage + " " + replicate; }
};

class JobScheduler {
 public:
  explicit JobScheduler(std::size_t slots);

  /// Queues a job; returns its index.
  std::size_t add(Job job);
  /// The next job that may start now (moved to running), or none.
  std::optional<std::size_t> start_next();
  /// A running job ended; a job that `succeeded` has filled its cache.
  void finish(std::size_t index, bool succeeded);

  const Job& job(std::size_t index) const { return jobs_.at(index); }
  std::size_t running() const { return running_.size(); }
  std::size_t waiting() const { return waiting_.size(); }
  std::size_t slots() const { return slots_; }

 private:
  bool may_start(const Job& job) const;

  std::size_t slots_;
  std::vector<Job> jobs_;
  std::deque<std::size_t> waiting_;
  std::set<std::size_t> running_;
  std::set<std::string> filled_;
};

}  // namespace crackkd::runner
