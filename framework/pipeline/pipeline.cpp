#include "pipeline/pipeline.hpp"

#include "pipeline/pipeline_includes.hpp"
#include "pipeline/stage_extends.hpp"
#include "pipeline/toml_params.hpp"

#include <algorithm>
#include <cctype>

namespace crackkd::pipeline {

namespace {

const std::vector<std::string> kTopLevel = {"pipeline", "datasets", "models", "noises", "stages"};
/// For "did you mean": the tables, and `include`, which load_pipeline has taken out by then.
std::vector<std::string> top_level_keys() {
  auto keys = kTopLevel;
  keys.push_back("include");
  return keys;
}

const Params& table_at(const Params& root, const std::string& key) {
  const Value& v = root.at(key);
  if (v.type != Value::Type::Table) throw ConfigError(v.where, "'" + root.qualified(key) + "' must be a table");
  return *v.table;
}

std::map<std::string, ComponentConfig> components(const Params& root, const std::string& section) {
  std::map<std::string, ComponentConfig> out;
  if (!root.contains(section)) return out;
  for (const auto& [name, value] : table_at(root, section).entries()) {
    ComponentConfig c;
    detail::read(value, section + "." + name, c);
    out[name] = std::move(c);
  }
  return out;
}

/// A name that becomes a folder or file name under the workdir (the pipeline's, a stage's,
/// a noise's) must be one plain path component: a shared pipeline file must not be able to
/// write outside --workdir ("../../etc", "/tmp/x") or hide its results (".x"). Any other
/// name a file system takes is kept as it is: spaces, accents, other scripts (UTF-8).
void require_path_safe_name(const std::string& name, const SourceLocation& where, const std::string& what) {
  const bool safe_chars = std::none_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f || c == '/' || c == '\\' || c == '*' || c == '?' || c == '"';
  });
  if (!name.empty() && name.size() <= 128 && safe_chars && name.front() != '.' && name.front() != ' ') return;
  throw ConfigError(where, what + " '" + name + "' cannot name a folder: no '/', '\\', '*', '?', '\"' or control "
                           "characters, not starting with '.' or a space, at most 128 bytes");
}

}  // namespace

void PipelineOptions::check(const Params& params) const {
  for (std::size_t i = 0; i < seeds.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (seeds[i] == seeds[j])
        throw ConfigError(params.at("seeds").array[i].where,
                          params.qualified("seeds") + ": seed " + std::to_string(seeds[i]) + " is listed twice");
}

Pipeline load_pipeline(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  Params root = parse_with_includes(file);
  for (const auto& o : overrides) apply_override(root, o);

  for (const auto& [key, value] : root.entries())
    if (std::find(kTopLevel.begin(), kTopLevel.end(), key) == kTopLevel.end())
      throw ConfigError(value.where, "unknown table '" + key + "'" + did_you_mean(key, top_level_keys()) +
                                         "; a pipeline has [pipeline], [datasets.*], [models.*], [noises.*] and [stages.*]");

  Pipeline p;
  p.file = file;
  p.options = root.contains("pipeline") ? parse_options<PipelineOptions>(table_at(root, "pipeline"))
                                        : PipelineOptions{};
  if (p.options.name.empty()) p.options.name = file.stem().string();
  const Value* name_value = root.contains("pipeline") ? table_at(root, "pipeline").find("name") : nullptr;
  require_path_safe_name(p.options.name, name_value ? name_value->where : SourceLocation{file.string(), 0, 0},
                         name_value ? "pipeline.name" : "the pipeline's name (its file name; set [pipeline] name)");
  p.datasets = components(root, "datasets");
  p.models = components(root, "models");
  p.noises = components(root, "noises");
  for (const auto& [name, noise] : p.noises) require_path_safe_name(name, noise.where, "noises." + name + ": the name");
  if (root.contains("stages")) {
    const Params& stages = table_at(root, "stages");
    for (const auto& [name, value] : stages.entries()) {
      if (value.type != Value::Type::Table)
        throw ConfigError(value.where, "'stages." + name + "' must be a table with a 'kind'");
      require_path_safe_name(name, value.where, "stages." + name + ": the stage name");
      StageConfig s;
      s.name = name;
      s.where = value.where;
      s.params = extended_stage(stages, name);
      const Value& kind = s.params.at("kind");
      detail::read(kind, "stages." + name + ".kind", s.kind);
      s.kind_where = kind.where;
      s.params.erase("kind");
      p.stages[name] = std::move(s);
    }
  }
  if (p.stages.empty()) throw ConfigError({file.string(), 0, 0}, "the pipeline has no [stages.*]");
  return p;
}

}  // namespace crackkd::pipeline
