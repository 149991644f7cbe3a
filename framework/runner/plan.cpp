#include "runner/plan.hpp"

#include <functional>
#include <set>

namespace crackkd::runner {

namespace {

void validate_components(const pipeline::Pipeline& pipeline, host::PluginHost& host) {
  for (const auto& [name, config] : pipeline.datasets) host.validate("dataset", config);
  for (const auto& [name, config] : pipeline.models) host.validate("model", config);
  for (const auto& [name, config] : pipeline.noises) {
    // Before SDK 0.2 a noise took its intensity as an option; now each use passes it.
    if (const Value* intensity = config.params.find("intensity"))
      throw ConfigError(intensity->where, "noises." + name + ".intensity: a noise's intensity is given where the noise "
                                          "is used (evaluate's levels and example_level, noise_mix's intensity range); "
                                          "remove it here");
    host.validate("noise", config);
  }
}

/// Kinds first: a stage's plan may depend on the kind of the stages it reads.
void check_kinds(const pipeline::Pipeline& pipeline) {
  std::vector<std::string> kind_names;
  for (const auto& k : stages::stage_kinds()) kind_names.push_back(k->name());
  for (const auto& [name, stage] : pipeline.stages)
    if (!stages::find_stage_kind(stage.kind))
      throw ConfigError(stage.kind_where, "stages." + name + ".kind: unknown stage kind '" + stage.kind + "'" +
                                              did_you_mean(stage.kind, kind_names));
}

/// Every result a stage reads must be one that the stage it reads from declares; a read
/// with a preferred file reads that one when the source declares it.
void settle_reads(const pipeline::Pipeline& pipeline, PipelinePlan& plan) {
  for (auto& [name, stage_plan] : plan.stages)
    for (auto& read : stage_plan.reads) {
      const stages::StagePlan& source = plan.stages.at(read.stage);
      if (!read.preferred.empty() && source.writes_file(read.preferred)) read.file = read.preferred;
      if (source.writes_file(read.file)) continue;
      std::string writes;
      for (const auto& file : source.writes) writes += (writes.empty() ? "" : ", ") + file;
      std::string message = read.key + ": stage '" + read.stage + "' (" + pipeline.stages.at(read.stage).kind +
                            ") writes no " + read.file + (writes.empty() ? "" : "; it writes " + writes);
      if (read.file == results::kBest) message += " (a training stage writes best.pt only with validate_on)";
      throw ConfigError(read.where, message);
    }
}

/// Depth-first topological order; a back edge is a cycle, reported with its path.
std::vector<std::string> stage_order(const pipeline::Pipeline& pipeline, const PipelinePlan& plan) {
  enum class Mark { None, Active, Done };
  std::map<std::string, Mark> mark;
  std::vector<std::string> path, order;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    if (mark[name] == Mark::Done) return;
    if (mark[name] == Mark::Active) {
      std::string cycle;
      auto start = std::find(path.begin(), path.end(), name);
      for (auto it = start; it != path.end(); ++it) cycle += *it + " -> ";
      throw ConfigError(pipeline.stages.at(name).where, "stage cycle: " + cycle + name);
    }
    mark[name] = Mark::Active;
    path.push_back(name);
    for (const auto& dep : plan.stages.at(name).depends_on) visit(dep);
    path.pop_back();
    mark[name] = Mark::Done;
    order.push_back(name);
  };
  for (const auto& [name, stage] : pipeline.stages) visit(name);
  return order;
}

}  // namespace

PipelinePlan validate_pipeline(const pipeline::Pipeline& pipeline, host::PluginHost& host) {
  validate_components(pipeline, host);
  check_kinds(pipeline);
  PipelinePlan plan;
  for (const auto& [name, stage] : pipeline.stages) plan.stages[name] = stages::find_stage_kind(stage.kind)->plan(stage, pipeline, host);
  for (const auto& [name, stage] : pipeline.stages) stages::find_stage_kind(stage.kind)->link(stage, plan.stages[name], plan.stages);
  settle_reads(pipeline, plan);
  plan.order = stage_order(pipeline, plan);
  return plan;
}

}  // namespace crackkd::runner
