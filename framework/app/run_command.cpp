// `crackkd run` and `crackkd validate`: load, validate completely, then check the data
// (run: unless it passed before unchanged; validate: with --data) and (run) execute.

#include "app/batch_needs.hpp"
#include "app/commands.hpp"
#include "app/host_setup.hpp"
#include "data/pipeline_data_check.hpp"
#include "distributed/process_group.hpp"
#include "pipeline/pipeline.hpp"
#include "runner/parallel_run.hpp"
#include "runner/plan.hpp"
#include "runner/runner.hpp"

#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

#include <iostream>

namespace crackkd::app {

namespace {

struct Loaded {
  pipeline::Pipeline pipeline;
  std::unique_ptr<host::PluginHost> host;
  runner::PipelinePlan plan;
};

Loaded load_and_validate(const Common& common, const RunArgs& args) {
  Loaded l;
  l.host = scanned_host(common);
  l.pipeline = pipeline::load_pipeline(args.pipeline, args.overrides);
  l.plan = runner::validate_pipeline(l.pipeline, *l.host);
  std::vector<std::string> names;
  for (const auto& [name, stage] : l.pipeline.stages) names.push_back(name);
  for (const auto& f : args.force)
    if (!l.pipeline.stages.count(f))
      throw ConfigError({"--force " + f, 0, 0}, "no stage '" + f + "' in " + args.pipeline.string() + did_you_mean(f, names));
  return l;
}

}  // namespace

int validate_command(const Common& common, const RunArgs& args) {
  auto l = load_and_validate(common, args);
  std::string order;
  for (const auto& s : l.plan.order) order += (order.empty() ? "" : " -> ") + s;
  if (!args.data_check) {
    std::cout << args.pipeline.string() << ": valid; stages " << order << std::endl;
    return 0;
  }
  const auto checks = data::check_pipeline_data(l.pipeline, *l.host, batch_needs(l.plan));
  std::cout << data::check_table(checks) << "\n";
  const bool problems = data::stops_a_run(checks);  // duplicated images are listed, not fatal
  std::cout << args.pipeline.string() << ": " << (problems ? "the pipeline is valid but its data is not" : "valid")
            << "; stages " << order << std::endl;
  return problems ? 1 : 0;
}

/// The group of a worker started by a launcher (RANK, WORLD_SIZE, … set), else null. It
/// lives until the process exits, as c10d's stores expect.
distributed::ProcessGroup* join_ranks(const RunArgs& args) {
  static std::unique_ptr<distributed::ProcessGroup> group;
  const auto rendezvous = distributed::rendezvous_from_environment();
  if (!rendezvous) return nullptr;
  if (rendezvous->rank != 0) spdlog::set_level(spdlog::level::warn);  // rank 0 speaks for the run
  spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] [rank " + std::to_string(rendezvous->rank) + "] %v");
  group = std::make_unique<distributed::ProcessGroup>(*rendezvous, std::chrono::seconds(60),
                                                      std::chrono::seconds(args.timeout_s),
                                                      [](const std::string& line) { spdlog::info("{}", line); });
  return group.get();
}

namespace {

/// How a side-by-side run starts the worker of job `id`: this command line, told to run
/// that job alone with `threads` threads (runner/parallel_run.hpp).
std::vector<std::string> worker_command(const Common& common, const RunArgs& args, const std::string& id, int threads) {
  std::vector<std::string> a;
  for (const auto& p : common.plugin_path) a.insert(a.end(), {"--plugin-path", p.string()});
  a.insert(a.end(), {"--log-level", common.log_level, "run", args.pipeline.string(), "--workdir", args.workdir.string()});
  for (const auto& s : args.overrides) a.insert(a.end(), {"--set", s});
  a.insert(a.end(), {"--no-data-check", "--job", id, "--worker-threads", std::to_string(threads)});
  return a;
}

/// The jobs side by side: -j, else `[pipeline] jobs`; a data-parallel run takes one.
int jobs_of(const RunArgs& args, const pipeline::Pipeline& pipeline, const distributed::ProcessGroup* group) {
  const int jobs = args.jobs > 0 ? args.jobs : static_cast<int>(pipeline.options.jobs);
  if (group && jobs > 1 && args.jobs == 0)
    throw ConfigError({pipeline.file.string(), 0, 0}, "[pipeline] jobs = " + std::to_string(jobs) +
                                                          " in a data-parallel run (--nproc/--nnodes), which spreads "
                                                          "each stage over its ranks: set it to 1 (--set pipeline.jobs=1)");
  return jobs;
}

}  // namespace

int run_command(const Common& common, const RunArgs& args) {
  auto* group = join_ranks(args);
  const bool worker = !args.job.empty();
  if (worker)  // its lines in the terminal and in log.txt say which job they come from
    spdlog::set_pattern(runner::worker_log_pattern(args.job));
  auto l = load_and_validate(common, args);
  if (args.worker_threads > 0) at::set_num_threads(args.worker_threads);
  else if (l.pipeline.options.threads > 0) at::set_num_threads(static_cast<int>(l.pipeline.options.threads));
  // Rank 0 checks for the run: the other ranks read the same files.
  if (args.data_check && (!group || group->is_main()))
    data::check_data_before_run(l.pipeline, *l.host, args.workdir / l.pipeline.options.name / "data.checked",
                                batch_needs(l.plan));
  runner::RunOptions options;
  options.workdir = args.workdir;
  options.group = group;
  options.force.insert(args.force.begin(), args.force.end());
  options.jobs = jobs_of(args, l.pipeline, group);
  options.job = args.job;
  options.worker_arguments = [&](const std::string& id, int threads) { return worker_command(common, args, id, threads); };
  const auto summary = runner::run_pipeline(l.pipeline, l.plan, *l.host, options);
  if ((group && !group->is_main()) || worker) return 0;
  std::cout << "results: " << summary.run_dir.string() << " (ran " << summary.ran.size() << ", up to date "
            << summary.skipped.size() << ")" << std::endl;
  for (const auto& [name, stage_plan] : l.plan.stages)
    if (stage_plan.writes_file(results::kReport))
      std::cout << "report: " << (summary.run_dir / name / results::kReport).string() << std::endl;
  return 0;
}

}  // namespace crackkd::app
