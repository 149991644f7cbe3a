#include "runner/job_scheduler.hpp"

#include <algorithm>

namespace crackkd::runner {

JobScheduler::JobScheduler(std::size_t slots) : slots_(std::max<std::size_t>(1, slots)) {}

std::size_t JobScheduler::add(Job job) {
  jobs_.push_back(std::move(job));
  waiting_.push_back(jobs_.size() - 1);
  return jobs_.size() - 1;
}

bool JobScheduler::may_start(const Job& job) const {
  if (job.alone) return running_.empty();
  if (job.shared_cache.empty() || filled_.count(job.shared_cache)) return true;
  return std::none_of(running_.begin(), running_.end(),
                      [&](std::size_t r) { return jobs_[r].shared_cache == job.shared_cache; });
}

std::optional<std::size_t> JobScheduler::start_next() {
  if (running_.size() >= slots_) return std::nullopt;
  if (std::any_of(running_.begin(), running_.end(), [&](std::size_t r) { return jobs_[r].alone; }))
    return std::nullopt;
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
    const Job& job = jobs_[*it];
    if (!may_start(job)) {
      if (job.alone) return std::nullopt;  // the jobs behind it wait for it
      continue;
    }
    const std::size_t index = *it;
    waiting_.erase(it);
    running_.insert(index);
    return index;
  }
  return std::nullopt;
}

void JobScheduler::finish(std::size_t index, bool succeeded) {
  running_.erase(index);
  if (succeeded && !jobs_.at(index).shared_cache.empty()) filled_.insert(jobs_[index].shared_cache);
}

}  // namespace crackkd::runner
