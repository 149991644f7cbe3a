#include "pipeline/stage_extends.hpp"

#include "pipeline/pipeline_includes.hpp"

#include <algorithm>
#include <vector>

namespace crackkd::pipeline {

namespace {

std::vector<std::string> stage_names(const Params& stages) {
  std::vector<std::string> names;
  for (const auto& [name, value] : stages.entries()) names.push_back(name);
  return names;
}

Params extended(const Params& stages, const std::string& name, std::vector<std::string>& chain) {
  const Params& own = *stages.at(name).table;
  const Value* base = own.find("extends");
  if (!base) return own;
  const std::string key = own.qualified("extends");
  if (base->type != Value::Type::String)
    throw ConfigError(base->where, key + " names the stage to start from, e.g. extends = \"nkd\"");
  const std::string& target = base->string_value;
  const Value* target_value = stages.find(target);
  if (!target_value || target_value->type != Value::Type::Table)
    throw ConfigError(base->where, key + ": no stage '" + target + "'" + did_you_mean(target, stage_names(stages)));
  if (std::find(chain.begin(), chain.end(), target) != chain.end()) {
    std::string cycle;
    for (const auto& c : chain) cycle += c + " → ";
    throw ConfigError(base->where, key + ": the stages extend each other: " + cycle + target);
  }
  chain.push_back(target);
  Params top = own;
  top.erase("extends");
  return merged(extended(stages, target, chain), top);
}

}  // namespace

Params extended_stage(const Params& stages, const std::string& name) {
  std::vector<std::string> chain{name};
  return extended(stages, name, chain);
}

}  // namespace crackkd::pipeline
