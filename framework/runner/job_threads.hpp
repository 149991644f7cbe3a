#pragma once
// A side-by-side job's share of the threads (`crackkd run -j`), from the plan alone: the
// sums a step makes depend on its thread count, so a share that followed the jobs that
// happen to run would make two runs of one pipeline differ in the last digits.

#include "runner/job_scheduler.hpp"
#include "runner/plan.hpp"

#include <string>
#include <vector>

namespace crackkd::runner {

/// The replicates stage `name` runs: one per seed, or the whole stage ({} folder "").
std::vector<stages::Replicate> replicates_of(const pipeline::Pipeline& pipeline, const PipelinePlan& plan,
                                     const std::string& name);

/// Whether another job may run beside stage `name`'s (see job_threads.cpp).
bool can_overlap(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, const std::string& name);

/// The threads `job` gets among `jobs` side by side.
int job_threads(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, const Job& job, int jobs);

}  // namespace crackkd::runner
