#include "runner/job_threads.hpp"

#include <algorithm>
#include <set>
#include <thread>

namespace crackkd::runner {

/// The replicates stage `name` runs: one per seed, or the whole stage ({} folder "").
std::vector<stages::Replicate> replicates_of(const pipeline::Pipeline& pipeline, const PipelinePlan& plan,
                                     const std::string& name) {
  if (!plan.stages.at(name).can(stages::Capability::RunsPerSeed) || pipeline.options.seeds.empty())
    return {{pipeline.options.seed, ""}};
  return stages::replicates(pipeline.options);
}

/// Whether another job may run beside stage `name`'s: it has several seeds, or another
/// stage neither reads what it writes nor writes what it reads, however far down the line,
/// and that stage does not run alone (a benchmark never has a neighbour: an evaluate stage
/// independent of one takes every core). Read from the plan, not from what happens to
/// run, so a job's threads never depend on timing.
bool can_overlap(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, const std::string& name) {
  if (replicates_of(pipeline, plan, name).size() > 1) return true;
  const auto upstream_of = [&](const std::string& stage) {
    std::set<std::string> seen;
    std::vector<std::string> todo{stage};
    while (!todo.empty()) {
      const std::string s = todo.back();
      todo.pop_back();
      for (const auto& d : plan.stages.at(s).depends_on)
        if (seen.insert(d).second) todo.push_back(d);
    }
    return seen;
  };
  const auto upstream = upstream_of(name);
  for (const auto& other : plan.order)
    if (other != name && !plan.stages.at(other).runs_alone && !upstream.count(other) && !upstream_of(other).count(name))
      return true;
  return false;
}

/// `[pipeline] threads` when set; else every core for a job nothing can join (a benchmark,
/// a stage the others wait for), and the cores split over `-j`'s jobs for the rest. The
/// share is fixed when the job starts and never follows the jobs that happen to be running:
/// the sums a step makes depend on its thread count, so a share that changed with timing
/// would make two runs of one pipeline differ in the last digits (as one of 15 students did
/// when it did, 2026-12-07).
int job_threads(const pipeline::Pipeline& pipeline, const PipelinePlan& plan, const Job& job, int jobs) {
  if (pipeline.options.threads > 0) return static_cast<int>(pipeline.options.threads);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return job.alone || !can_overlap(pipeline, plan, job.stage) ? cores : std::max(1, cores / jobs);
}

}  // namespace crackkd::runner
