#pragma once
// Params: a read-only view of one configuration table (a TOML table once parsed), with
// the source position of every value, so an option error names file, line and key.
// The SDK does not depend on any TOML library: the host converts its parse tree into
// Params, and tests build Params by hand.

#include <crackkd/error.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace crackkd {

class Params;

/// One configuration value. Example: `Value::integer(5, {"q.toml", 3, 10})`.
struct Value {
  enum class Type { Bool, Integer, Float, String, Array, Table };

  Type type = Type::String;
  bool boolean = false;
  std::int64_t integer_value = 0;
  double float_value = 0.0;
  std::string string_value;
  std::vector<Value> array;
  std::shared_ptr<const Params> table;
  SourceLocation where;
  /// The text given on the command line (`--set key=text`), empty otherwise: an
  /// override is typed by the option it targets, so `--set x.name=12` can be a string.
  std::string override_text;

  static Value of_bool(bool v, SourceLocation w = {}) { Value x; x.type = Type::Bool; x.boolean = v; x.where = std::move(w); return x; }
  static Value of_integer(std::int64_t v, SourceLocation w = {}) { Value x; x.type = Type::Integer; x.integer_value = v; x.where = std::move(w); return x; }
  static Value of_float(double v, SourceLocation w = {}) { Value x; x.type = Type::Float; x.float_value = v; x.where = std::move(w); return x; }
  static Value of_string(std::string v, SourceLocation w = {}) { Value x; x.type = Type::String; x.string_value = std::move(v); x.where = std::move(w); return x; }
  static Value of_array(std::vector<Value> v, SourceLocation w = {}) { Value x; x.type = Type::Array; x.array = std::move(v); x.where = std::move(w); return x; }
  static Value of_table(std::shared_ptr<const Params> t, SourceLocation w = {}) { Value x; x.type = Type::Table; x.table = std::move(t); x.where = std::move(w); return x; }

  /// "integer", "string", … as a user reads it in an error message.
  static const char* type_name(Type t) {
    switch (t) {
      case Type::Bool: return "boolean";
      case Type::Integer: return "integer";
      case Type::Float: return "float";
      case Type::String: return "string";
      case Type::Array: return "array";
      case Type::Table: return "table";
    }
    return "?";
  }
  const char* type_name() const { return type_name(type); }
};

/// A table of named values. `path()` is its dotted place in the pipeline
/// ("models.student"), used to name keys in messages. Example:
/// `Params p("stages.train", {"q.toml", 9, 1}); p.set("epochs", Value::of_integer(3));`
class Params {
 public:
  Params() = default;
  Params(std::string path, SourceLocation where) : path_(std::move(path)), where_(std::move(where)) {}

  const std::string& path() const { return path_; }
  const SourceLocation& where() const { return where_; }
  bool contains(const std::string& key) const { return entries_.count(key) != 0; }
  const Value* find(const std::string& key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }
  /// The value at `key`; throws a ConfigError naming the table when it is absent.
  const Value& at(const std::string& key) const {
    if (const Value* v = find(key)) return *v;
    throw ConfigError(where_, "missing required key '" + qualified(key) + "'");
  }
  const std::map<std::string, Value>& entries() const { return entries_; }
  void set(const std::string& key, Value v) { entries_[key] = std::move(v); }
  void erase(const std::string& key) { entries_.erase(key); }

  /// "stages.train.epochs" for key "epochs" of table "stages.train".
  std::string qualified(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

 private:
  std::string path_;
  SourceLocation where_;
  std::map<std::string, Value> entries_;
};

/// Levenshtein distance, for "did you mean" suggestions.
inline std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The candidates closest to `word` (at most `limit`, within a distance that scales with
/// the word's length), nearest first. Example: closest_names("chanels", {"channels"}).
inline std::vector<std::string> closest_names(const std::string& word, const std::vector<std::string>& candidates,
                                              std::size_t limit = 3) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  const std::size_t tolerance = std::max<std::size_t>(2, word.size() / 3);
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    bool contains = c.find(word) != std::string::npos || word.find(c) != std::string::npos;
    if (d <= tolerance || (contains && !word.empty())) scored.emplace_back(d, c);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
  return out;
}

/// " (did you mean 'a' or 'b'?)", or "" when nothing is close.
inline std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  auto close = closest_names(word, candidates);
  if (close.empty()) return "";
  std::string s = " (did you mean ";
  for (std::size_t i = 0; i < close.size(); ++i) {
    if (i > 0) s += i + 1 == close.size() ? " or " : ", ";
    s += "'" + close[i] + "'";
  }
  return s + "?)";
}

}  // namespace crackkd
