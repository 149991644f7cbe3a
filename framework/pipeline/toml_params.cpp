#include "pipeline/toml_params.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace crackkd::pipeline {

namespace {

SourceLocation location_of(const toml::node& node, const std::string& file) {
  const auto& begin = node.source().begin;
  return SourceLocation{file, static_cast<int>(begin.line), static_cast<int>(begin.column)};
}

Value convert(const toml::node& node, const std::string& file, const std::string& path);

std::shared_ptr<const Params> convert_table(const toml::table& table, const std::string& file, const std::string& path) {
  auto params = std::make_shared<Params>(path, location_of(table, file));
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    params->set(k, convert(node, file, path.empty() ? k : path + "." + k));
  }
  return params;
}

/// expand_environment, refusing a value made only of variables that expand to nothing:
/// `root = "${DATA:-}"` with DATA unset would read the working folder as the data set.
std::string expand_nonempty(const std::string& text, const SourceLocation& where, const std::string& key) {
  std::string expanded = expand_environment(text, where);
  if (!expanded.empty() || text.find("${") == std::string::npos) return expanded;
  std::string variables;
  for (auto at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {
    const std::string body = text.substr(at + 2, text.find('}', at) - at - 2);
    variables += (variables.empty() ? "" : ", ") + body.substr(0, body.find(":-"));
  }
  throw ConfigError(where, key + ": \"" + text + "\" expands to nothing (" + variables +
                               " unset or empty): set it, or give a default after ':-'");
}

Value convert(const toml::node& node, const std::string& file, const std::string& path) {
  const SourceLocation where = location_of(node, file);
  if (auto* v = node.as_boolean()) return Value::of_bool(v->get(), where);
  if (auto* v = node.as_integer()) return Value::of_integer(v->get(), where);
  if (auto* v = node.as_floating_point()) return Value::of_float(v->get(), where);
  if (auto* v = node.as_string()) return Value::of_string(expand_nonempty(v->get(), where, path), where);
  if (auto* v = node.as_array()) {
    std::vector<Value> items;
    for (std::size_t i = 0; i < v->size(); ++i) items.push_back(convert(*v->get(i), file, path + "[" + std::to_string(i) + "]"));
    return Value::of_array(std::move(items), where);
  }
  if (auto* v = node.as_table()) return Value::of_table(convert_table(*v, file, path), where);
  throw ConfigError(where, path + ": dates and times are not supported as option values");
}

Params parse(std::string_view text, const std::string& origin) {
  try {
    toml::table table = toml::parse(text, origin);
    return *convert_table(table, origin, "");
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    throw ConfigError(SourceLocation{origin, static_cast<int>(begin.line), static_cast<int>(begin.column)},
                      "malformed TOML: " + std::string(e.description()));
  }
}

/// Returns a copy of `table` with `value` set at `path[i..]`, creating tables on the way.
/// A `*` stands for every table at its level; past one, only keys that exist are set
/// (`stages.*.epochs=500` changes the stages that have epochs). `changed` counts the sets.
std::shared_ptr<const Params> with_value(const Params& table, const std::vector<std::string>& path, std::size_t i,
                                         const Value& value, const std::string& assignment, bool existing_only,
                                         int& changed) {
  auto copy = std::make_shared<Params>(table);
  const std::string& key = path[i];
  if (key == "*") {
    if (i + 1 == path.size()) throw ConfigError({"--set", 0, 0}, assignment + ": '*' must be followed by a key");
    for (const auto& [name, child] : table.entries())
      if (child.type == Value::Type::Table)
        copy->set(name, Value::of_table(with_value(*child.table, path, i + 1, value, assignment, true, changed),
                                        child.where));
    return copy;
  }
  const Value* existing = table.find(key);
  if (i + 1 == path.size()) {
    if (existing_only && !existing) return copy;
    copy->set(key, value);
    ++changed;
    return copy;
  }
  if (existing && existing->type != Value::Type::Table)
    throw ConfigError({"--set", 0, 0}, assignment + ": '" + table.qualified(key) + "' is a " + existing->type_name() +
                                           ", not a table");
  if (existing_only && !existing) return copy;
  Params child = existing ? *existing->table : Params(table.qualified(key), value.where);
  copy->set(key, Value::of_table(with_value(child, path, i + 1, value, assignment, existing_only, changed),
                                 existing ? existing->where : value.where));
  return copy;
}

std::string quote(const std::string& s) {
  std::ostringstream out;
  out << '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out << '\\' << c;
    else if (c == '\n') out << "\\n";
    else if (c == '\t') out << "\\t";
    else if (static_cast<unsigned char>(c) < 0x20) out << "\\u" << std::hex << std::setw(4) << std::setfill('0') << int(c);
    else out << c;
  }
  out << '"';
  return out.str();
}

std::string bare_or_quoted_key(const std::string& key) {
  for (char c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return quote(key);
  return key.empty() ? "\"\"" : key;
}

}  // namespace

Params parse_toml_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw ConfigError({file.string(), 0, 0}, "is a folder, not a pipeline file (give the .toml file in it)");
  std::ifstream in(file);
  if (!in) throw ConfigError({file.string(), 0, 0}, "cannot open pipeline file");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), file.string());
}

Params parse_toml_text(const std::string& text, const std::string& origin) { return parse(text, origin); }

std::string expand_environment(const std::string& text, const SourceLocation& where) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const std::size_t end = text.find('}', i);
    if (end == std::string::npos) throw ConfigError(where, "unterminated ${ in \"" + text + "\"");
    std::string body = text.substr(i + 2, end - i - 2);
    std::string name = body, fallback;
    bool has_default = false;
    if (auto sep = body.find(":-"); sep != std::string::npos) {
      name = body.substr(0, sep);
      fallback = body.substr(sep + 2);
      has_default = true;
    }
    const char* value = std::getenv(name.c_str());
    if (value && *value) out += value;
    else if (has_default) out += fallback;
    else throw ConfigError(where, "environment variable " + name + " is not set (write ${" + name + ":-default} to give a default)");
    i = end + 1;
  }
  return out;
}

void apply_override(Params& root, const std::string& assignment) {
  const SourceLocation where{"--set " + assignment, 0, 0};
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) throw ConfigError(where, "expected --set key.path=value");
  const std::string dotted = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  std::vector<std::string> path;
  for (std::size_t start = 0;;) {
    auto dot = dotted.find('.', start);
    path.push_back(dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (path.back().empty()) throw ConfigError(where, "empty key in '" + dotted + "'");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  Value value;
  try {
    toml::table parsed = toml::parse("v = " + text);
    value = convert(*parsed.get("v"), where.file, dotted);
  } catch (const toml::parse_error&) {
    value = Value::of_string(text);
  }
  value.where = where;
  value.override_text = text;
  int changed = 0;
  root = *with_value(root, path, 0, value, assignment, false, changed);
  if (changed == 0) throw ConfigError(where, "no table matching '" + dotted + "' has the key '" + path.back() + "'");
}

std::string to_toml(const Value& v) {
  switch (v.type) {
    case Value::Type::Bool: return v.boolean ? "true" : "false";
    case Value::Type::Integer: return std::to_string(v.integer_value);
    case Value::Type::Float: {
      std::ostringstream s;
      s << std::setprecision(17) << v.float_value;
      std::string t = s.str();
      if (t.find_first_of(".eEn") == std::string::npos) t += ".0";
      return t;
    }
    case Value::Type::String: return quote(v.string_value);
    case Value::Type::Array: {
      std::string s = "[";
      for (std::size_t i = 0; i < v.array.size(); ++i) s += (i ? ", " : "") + to_toml(v.array[i]);
      return s + "]";
    }
    case Value::Type::Table: {
      std::string s = "{";
      bool first = true;
      for (const auto& [k, x] : v.table->entries()) {
        s += (first ? " " : ", ") + bare_or_quoted_key(k) + " = " + to_toml(x);
        first = false;
      }
      return s + (first ? "}" : " }");
    }
  }
  return "";
}

std::string to_toml(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params.entries()) out += bare_or_quoted_key(k) + " = " + to_toml(v) + "\n";
  return out;
}

}  // namespace crackkd::pipeline
