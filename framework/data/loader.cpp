#include "data/loader.hpp"

#include "data/batching.hpp"

#include <crackkd/error.hpp>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace crackkd::data {

BatchLoader::BatchLoader(std::size_t samples, std::size_t batch_size, MakeSample make, int workers, int prefetch,
                         bool pin)
    : samples_(samples), batch_size_(batch_size), batches_((samples + batch_size - 1) / batch_size),
      make_(std::move(make)), prefetch_(std::max(1, prefetch)), pin_(pin) {
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& t : workers_) t.join();
}

/// A worker's LibTorch operators on one image are small: split over the OpenMP team a new
/// thread gets, they spent more time waking it than computing (bench_loader on 2 cores:
/// 1 worker built 78 samples/s, the main thread alone 236). Workers run them on
/// their own thread (1 worker: 152 samples/s, one core's worth; 2 workers: 307); the
/// parallelism is in the workers. OpenMP's thread count is per calling thread, and
/// LibTorch sets it to its global count on a thread's first parallel region, so that
/// region comes first.
void BatchLoader::single_threaded_operators() {
  at::parallel_for(0, 1, 1, [](std::int64_t, std::int64_t) {});
#ifdef _OPENMP
  omp_set_num_threads(1);
#endif
}

Batch BatchLoader::build(std::size_t b) const {
  std::vector<Sample> samples;
  for (std::size_t p = b * batch_size_; p < std::min(samples_, (b + 1) * batch_size_); ++p) samples.push_back(make_(p));
  Batch batch = collate(samples);
  if (pin_) {
    batch.images = batch.images.pin_memory();
    batch.masks = batch.masks.pin_memory();
    if (batch.clean_images.defined()) batch.clean_images = batch.clean_images.pin_memory();
  }
  return batch;
}

void BatchLoader::work() {
  single_threaded_operators();
  for (;;) {
    std::size_t b;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || failure_ ||
               (next_to_build_ < batches_ && next_to_build_ < next_to_return_ + static_cast<std::size_t>(prefetch_));
      });
      if (stopping_ || failure_) return;
      b = next_to_build_++;
    }
    try {
      Batch batch = build(b);
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.emplace(b, std::move(batch));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!failure_ || b < failed_batch_) {
        failure_ = std::current_exception();
        failed_batch_ = b;
      }
    }
    changed_.notify_all();
  }
}

Batch BatchLoader::next() {
  if (next_to_return_ >= batches_) throw Error("loader: no batches left in this epoch");
  if (workers_.empty()) return build(next_to_return_++);
  std::unique_lock<std::mutex> lock(mutex_);
  // Batches before a failed one still arrive in order (those taken are being finished);
  // the failure surfaces when its batch, or one no worker will build any more, is due.
  const auto unreachable = [&] {
    return failure_ && (failed_batch_ == next_to_return_ || next_to_return_ >= next_to_build_);
  };
  changed_.wait(lock, [&] { return ready_.count(next_to_return_) || unreachable(); });
  if (!ready_.count(next_to_return_)) std::rethrow_exception(failure_);
  Batch batch = std::move(ready_.at(next_to_return_));
  ready_.erase(next_to_return_++);
  lock.unlock();
  changed_.notify_all();
  return batch;
}

}  // namespace crackkd::data
