// `crackkd run` and `crackkd validate`: load, validate completely, then (run) execute.

#include "app/commands.hpp"
#include "app/host_setup.hpp"
#include "distributed/process_group.hpp"
#include "engine/plan.hpp"
#include "engine/runner.hpp"
#include "pipeline/pipeline.hpp"

#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

#include <iostream>

namespace crackkd::app {

namespace {

struct Loaded {
  pipeline::Pipeline pipeline;
  std::unique_ptr<host::PluginHost> host;
  engine::PipelinePlan plan;
};

Loaded load_and_validate(const Common& common, const RunArgs& args) {
  Loaded l;
  l.host = scanned_host(common);
  l.pipeline = pipeline::load_pipeline(args.pipeline, args.overrides);
  l.plan = engine::validate_pipeline(l.pipeline, *l.host);
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
  std::cout << args.pipeline.string() << ": valid; stages " << order << std::endl;
  return 0;
}

int run_command(const Common& common, const RunArgs& args) {
  if (const auto rendezvous = distributed::rendezvous_from_environment()) {
    if (rendezvous->rank != 0) spdlog::set_level(spdlog::level::warn);  // rank 0 speaks for the run
    spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] [rank " + std::to_string(rendezvous->rank) + "] %v");
    distributed::ProcessGroup::set_current(std::make_unique<distributed::ProcessGroup>(
        *rendezvous, std::chrono::seconds(60), std::chrono::seconds(args.timeout_s),
        [](const std::string& line) { spdlog::info("{}", line); }));
  }
  auto l = load_and_validate(common, args);
  if (l.pipeline.options.threads > 0) at::set_num_threads(static_cast<int>(l.pipeline.options.threads));
  engine::RunOptions options;
  options.workdir = args.workdir;
  options.force.insert(args.force.begin(), args.force.end());
  const auto summary = engine::run_pipeline(l.pipeline, l.plan, *l.host, options);
  if (auto* group = distributed::ProcessGroup::current(); group && !group->is_main()) return 0;
  std::cout << "results: " << summary.run_dir.string() << " (ran " << summary.ran.size() << ", up to date "
            << summary.skipped.size() << ")" << std::endl;
  for (const auto& [name, stage] : l.pipeline.stages)
    if (stage.kind == "report") std::cout << "report: " << (summary.run_dir / name / "report.md").string() << std::endl;
  return 0;
}

}  // namespace crackkd::app
