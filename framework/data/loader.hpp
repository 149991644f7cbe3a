#pragma once
// Batches assembled on worker threads, ahead of the training step that consumes them.
// Batch b always holds the samples at positions [b * batch_size, (b + 1) * batch_size)
// of the epoch's samples, and each sample's randomness comes from its own (seed, epoch,
// position) stream, so batches are the same whatever the number of workers.

#include <crackkd/sample.hpp>

#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace crackkd::data {

class BatchLoader {
 public:
  /// Builds the sample at a position of the epoch's samples; called from worker threads.
  using MakeSample = std::function<Sample(std::size_t position)>;

  /// `workers` = 0 builds each batch in `next()` on the calling thread. `prefetch`: how
  /// many batches workers may build ahead. `pin`: page-lock batches (for CUDA copies).
  BatchLoader(std::size_t samples, std::size_t batch_size, MakeSample make, int workers, int prefetch, bool pin);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  std::size_t batches() const { return batches_; }
  /// The next batch in order; rethrows a worker's exception (naming the sample).
  Batch next();

 private:
  Batch build(std::size_t b) const;
  void work();
  static void single_threaded_operators();

  std::size_t samples_, batch_size_, batches_;
  MakeSample make_;
  int prefetch_;
  bool pin_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t next_to_build_ = 0;
  std::size_t next_to_return_ = 0;
  std::map<std::size_t, Batch> ready_;
  std::exception_ptr failure_;
  std::size_t failed_batch_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace crackkd::data
