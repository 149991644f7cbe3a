#pragma once
// How options.hpp reads a TOML value into a member of an options struct and prints a
// default back as TOML: numbers, booleans, strings, arrays, nested components and
// weighted sums of them. Errors name file, line and key.

#include <crackkd/component_config.hpp>
#include <crackkd/params.hpp>

#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace crackkd {

template <class O> class OptionSchema;
template <class O> O parse_options(const Params& params);

namespace detail {

template <class T> struct is_vector : std::false_type { using element = void; };
template <class T> struct is_vector<std::vector<T>> : std::true_type { using element = T; };

/// An optional group of options: `std::optional<G>` where G declares its keys as an
/// options struct does. A table is parsed into G with G's own checks, an empty table (or
/// none) leaves it empty.
template <class T> struct is_option_group : std::false_type { using group = void; };
template <class G>
struct is_option_group<std::optional<G>> : std::bool_constant<requires(OptionSchema<G>& s) { G::declare(s); }> {
  using group = G;
};

[[noreturn]] inline void wrong_type(const Value& v, const std::string& key, const std::string& expected) {
  std::string got = v.type_name();
  if (v.type == Value::Type::String) got += " \"" + v.string_value + "\"";
  throw ConfigError(v.where, key + ": expected " + expected + ", got " + got);
}

template <class T> std::string type_label() {
  if constexpr (std::is_same_v<T, bool>) return "boolean";
  else if constexpr (std::is_integral_v<T>) return "integer";
  else if constexpr (std::is_floating_point_v<T>) return "float";
  else if constexpr (std::is_same_v<T, std::string>) return "string";
  else if constexpr (std::is_same_v<T, ComponentConfig>) return "component";
  else if constexpr (std::is_same_v<T, Params> || is_option_group<T>::value) return "table";
  else if constexpr (std::is_same_v<T, WeightedComponents>) return "component or array of weighted components";
  else if constexpr (is_vector<T>::value) return "array of " + type_label<typename is_vector<T>::element>();
  else static_assert(sizeof(T) == 0, "unsupported option type");
}

inline std::optional<double> parse_number(const std::string& text) {
  std::istringstream in(text);
  double d = 0;
  if (in >> d && in.peek() == EOF) return d;
  return std::nullopt;
}

inline void read_weighted_components(const Value& v, const std::string& key, WeightedComponents& out);

template <class T> void read(const Value& v, const std::string& key, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (v.type != Value::Type::Bool) wrong_type(v, key, "a boolean (true or false)");
    out = v.boolean;
  } else if constexpr (std::is_integral_v<T>) {
    if (v.type != Value::Type::Integer) wrong_type(v, key, "an integer");
    if (v.integer_value < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
        v.integer_value > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
      throw ConfigError(v.where, key + ": " + std::to_string(v.integer_value) + " is out of range");
    out = static_cast<T>(v.integer_value);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (v.type == Value::Type::Integer) out = static_cast<T>(v.integer_value);
    else if (v.type == Value::Type::Float) out = static_cast<T>(v.float_value);
    else wrong_type(v, key, "a number");
    // TOML spells nan and inf; no option means anything by them.
    if (!std::isfinite(out))
      throw ConfigError(v.where, key + ": " + (std::isnan(out) ? "nan" : out > 0 ? "inf" : "-inf") + " is not a finite number");
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (v.type == Value::Type::String) out = v.string_value;
    else if (!v.override_text.empty()) out = v.override_text;  // `--set name=12` targets a string
    else wrong_type(v, key, "a string");
  } else if constexpr (std::is_same_v<T, Params>) {
    if (v.type != Value::Type::Table) wrong_type(v, key, "a table");
    out = *v.table;
  } else if constexpr (is_option_group<T>::value) {
    if (v.type != Value::Type::Table) wrong_type(v, key, "a table");
    if (v.table->entries().empty()) out.reset();
    else out = parse_options<typename is_option_group<T>::group>(*v.table);
  } else if constexpr (std::is_same_v<T, ComponentConfig>) {
    out = ComponentConfig{};
    out.where = v.where;
    if (v.type == Value::Type::String) {
      out.plugin = v.string_value;
      out.params = Params(key, v.where);
    } else if (v.type == Value::Type::Table) {
      const Value* plugin = v.table->find("plugin");
      if (!plugin) throw ConfigError(v.where, key + ": a component table needs a 'plugin' key");
      read(*plugin, key + ".plugin", out.plugin);
      out.where = plugin->where;
      out.params = *v.table;
      out.params.erase("plugin");
    } else {
      wrong_type(v, key, "a component (a plugin name or a table with 'plugin')");
    }
  } else if constexpr (std::is_same_v<T, WeightedComponents>) {
    read_weighted_components(v, key, out);
  } else if constexpr (is_vector<T>::value) {
    if (v.type != Value::Type::Array) wrong_type(v, key, "an array");
    out.clear();
    for (std::size_t i = 0; i < v.array.size(); ++i) {
      typename is_vector<T>::element e{};
      read(v.array[i], key + "[" + std::to_string(i) + "]", e);
      out.push_back(std::move(e));
    }
  }
}

template <class T> std::string format(const T& v) {
  if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
  else if constexpr (std::is_integral_v<T>) return std::to_string(v);
  else if constexpr (std::is_floating_point_v<T>) {
    std::ostringstream s;
    s << v;
    std::string t = s.str();
    if (t.find_first_of(".eEn") == std::string::npos) t += ".0";
    return t;
  } else if constexpr (std::is_same_v<T, std::string>) return "\"" + v + "\"";
  else if constexpr (std::is_same_v<T, ComponentConfig>) return v.plugin.empty() ? "" : "\"" + v.plugin + "\"";
  else if constexpr (std::is_same_v<T, Params>) return "{}";
  else if constexpr (is_option_group<T>::value) return v ? "{ ... }" : "{}";
  else if constexpr (std::is_same_v<T, WeightedComponents>) {
    if (v.size() == 1 && v[0].weight == 1.0) return format(v[0].component);
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i)
      s += std::string(i ? ", " : "") + "{ plugin = " + format(v[i].component) + ", weight = " + format(v[i].weight) + " }";
    return s + "]";
  } else if constexpr (is_vector<T>::value) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + format(v[i]);
    return s + "]";
  }
}

/// One component or an array of them, each table's `weight` taken out of its params.
inline void read_weighted_components(const Value& v, const std::string& key, WeightedComponents& out) {
  out.clear();
  auto read_term = [&out](const Value& item, const std::string& item_key) {
    WeightedComponent term;
    read(item, item_key, term.component);
    if (const Value* weight = term.component.params.find("weight")) {
      read(*weight, item_key + ".weight", term.weight);
      if (!(term.weight >= 0.0 && std::isfinite(term.weight)))
        throw ConfigError(weight->where, item_key + ".weight: " + format(term.weight) + " is not a number >= 0");
      term.component.params.erase("weight");
    }
    for (const auto& earlier : out)
      if (earlier.component.plugin == term.component.plugin)
        throw ConfigError(term.component.where, item_key + ": \"" + term.component.plugin +
                                                    "\" is already a term of this sum; give it one entry and one weight");
    out.push_back(std::move(term));
  };
  if (v.type != Value::Type::Array) return read_term(v, key);
  if (v.array.empty()) throw ConfigError(v.where, key + ": an empty array; give at least one component");
  for (std::size_t i = 0; i < v.array.size(); ++i) read_term(v.array[i], key + "[" + std::to_string(i) + "]");
}

}  // namespace detail

}  // namespace crackkd
