#include "pipeline/pipeline_includes.hpp"

#include "pipeline/toml_params.hpp"

#include <algorithm>
#include <memory>
#include <vector>

namespace crackkd::pipeline {

namespace fs = std::filesystem;

namespace {

/// "a.toml → b.toml → a.toml", the files of an include cycle.
std::string chain_text(const std::vector<fs::path>& chain, const fs::path& again) {
  std::string text;
  for (const auto& f : chain) text += f.string() + " → ";
  return text + again.string();
}

Params parse_included(const fs::path& file, std::vector<fs::path>& chain) {
  Params own = parse_toml_file(file);
  const Value* include = own.find("include");
  if (!include) return own;
  if (include->type != Value::Type::Array)
    throw ConfigError(include->where, "include takes an array of file names, e.g. include = [\"base.toml\"]");
  Params base("", own.where());
  for (const Value& name : include->array) {
    if (name.type != Value::Type::String)
      throw ConfigError(name.where, "include takes file names (strings), not a " + std::string(name.type_name()));
    const fs::path path = fs::weakly_canonical(file.parent_path() / name.string_value);
    if (!fs::is_regular_file(path))
      throw ConfigError(name.where, "include: no file " + path.string() + " (paths are relative to " +
                                        file.parent_path().string() + ")");
    if (std::find(chain.begin(), chain.end(), path) != chain.end())
      throw ConfigError(name.where, "include: the files include each other: " + chain_text(chain, path));
    chain.push_back(path);
    base = merged(base, parse_included(path, chain));
    chain.pop_back();
  }
  own.erase("include");
  return merged(base, own);
}

}  // namespace

Params merged(const Params& base, const Params& top) {
  Params out(top.path(), top.where());
  for (const auto& [key, value] : base.entries()) out.set(key, value);
  for (const auto& [key, value] : top.entries()) {
    const Value* below = out.find(key);
    // A component table naming its plugin is a new component: it replaces the one below
    // whole, so the old plugin's options do not leak into it.
    const bool new_component = value.type == Value::Type::Table && value.table->contains("plugin");
    if (below && below->type == Value::Type::Table && value.type == Value::Type::Table && !new_component)
      out.set(key, Value::of_table(std::make_shared<const Params>(merged(*below->table, *value.table)), value.where));
    else
      out.set(key, value);
  }
  return out;
}

Params parse_with_includes(const fs::path& file) {
  std::vector<fs::path> chain{fs::weakly_canonical(file)};
  return parse_included(file, chain);
}

}  // namespace crackkd::pipeline
