#include "engine/plan.hpp"

#include <functional>
#include <set>

namespace crackkd::engine {

PipelinePlan validate_pipeline(const pipeline::Pipeline& pipeline, host::PluginHost& host) {
  PipelinePlan plan;
  for (const auto& [name, config] : pipeline.datasets) host.validate("dataset", config);
  for (const auto& [name, config] : pipeline.models) host.validate("model", config);
  for (const auto& [name, config] : pipeline.noises) host.validate("noise", config);

  std::vector<std::string> kind_names;
  for (const auto& k : stage_kinds()) kind_names.push_back(k->name());
  // Kinds first: a stage's plan may depend on the kind of the stages it reads.
  for (const auto& [name, stage] : pipeline.stages)
    if (!find_stage_kind(stage.kind))
      throw ConfigError(stage.kind_where, "stages." + name + ".kind: unknown stage kind '" + stage.kind + "'" +
                                              did_you_mean(stage.kind, kind_names));
  for (const auto& [name, stage] : pipeline.stages) plan.stages[name] = find_stage_kind(stage.kind)->plan(stage, pipeline, host);

  // Depth-first topological order; a back edge is a cycle, reported with its path.
  enum class Mark { None, Active, Done };
  std::map<std::string, Mark> mark;
  std::vector<std::string> path;
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
    plan.order.push_back(name);
  };
  for (const auto& [name, stage] : pipeline.stages) visit(name);
  return plan;
}

}  // namespace crackkd::engine
