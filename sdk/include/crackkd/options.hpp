#pragma once
// Typed options. Every component has an `XOptions` struct whose member initialisers are
// its defaults (as LibTorch's `Conv2dOptions`) and whose static `declare()` names each
// key, its doc and its checks. `parse_options<XOptions>(params)` builds the struct and
// rejects unknown keys ("did you mean"), wrong types and missing required keys, naming
// file, line and key. The component's class only ever sees the struct.
//
//   struct DiceLossOptions {
//     double eps = 1e-7;
//     static void declare(crackkd::OptionSchema<DiceLossOptions>& s) {
//       s.optional("eps", &DiceLossOptions::eps, "smoothing term").in_range(0.0, 1.0);
//     }
//   };
//
// A struct may add `void check(const crackkd::Params& p) const` for rules across keys
// ("decoder_width must divide by deform_groups"); it throws ConfigError at p.where().

#include <crackkd/component_config.hpp>
#include <crackkd/option_values.hpp>
#include <crackkd/params.hpp>

#include <cmath>
#include <deque>
#include <limits>
#include <functional>
#include <optional>
#include <sstream>
#include <type_traits>

namespace crackkd {

/// One declared option, as `crackkd plugins` prints it.
struct OptionInfo {
  std::string key;
  std::string type;           ///< "integer", "float", "string", "array of float", "loss component", …
  std::string default_text;   ///< the default as TOML text, "" for a required key
  std::string doc;
  std::string constraint;     ///< "in [0, 1]", "one of cpu|cuda|auto", or ""
  bool required = false;
  /// Read only when the component is first built (a model's starting weights): a model
  /// rebuilt from a checkpoint, whose own weights replace them, goes without the key.
  bool initialisation_only = false;
};


/// The declared keys of one options struct `O`; see the file comment for an example.
template <class O>
class OptionSchema {
  struct Field {
    OptionInfo info;
    std::function<void(O&, const Value&, const std::string&)> read;
    std::vector<std::function<void(const O&, const Value&, const std::string&)>> checks;
  };

 public:
  /// Returned by `required`/`optional` to attach checks to the field just declared.
  template <class T>
  class FieldRef {
   public:
    FieldRef(Field& f, T O::*m) : field_(f), member_(m) {}
    /// Numbers (or each number of an array) must lie in [lo, hi].
    FieldRef& in_range(double lo, double hi) {
      using Element = typename detail::is_vector<T>::element;
      constexpr bool integral = std::is_integral_v<T> || std::is_integral_v<Element>;
      auto text = [](double x) {
        return integral ? detail::format(static_cast<std::int64_t>(x)) : detail::format(x);
      };
      const std::string interval = "[" + text(lo) + ", " + text(hi) + "]";
      field_.info.constraint = "in " + interval;
      auto m = member_;
      field_.checks.push_back([m, lo, hi, text, interval](const O& o, const Value& v, const std::string& key) {
        auto check = [&](double x) {
          if (!(x >= lo && x <= hi)) throw ConfigError(v.where, key + ": " + text(x) + " is outside " + interval);
        };
        if constexpr (std::is_arithmetic_v<T>) check(static_cast<double>(o.*m));
        else if constexpr (detail::is_vector<T>::value && std::is_arithmetic_v<typename detail::is_vector<T>::element>)
          for (auto x : o.*m) check(static_cast<double>(x));
      });
      return *this;
    }
    /// A string must be one of `choices`.
    FieldRef& one_of(std::vector<std::string> choices) {
      std::string joined;
      for (const auto& c : choices) joined += (joined.empty() ? "" : "|") + c;
      field_.info.constraint = "one of " + joined;
      auto m = member_;
      field_.checks.push_back([m, choices, joined](const O& o, const Value& v, const std::string& key) {
        if constexpr (std::is_same_v<T, std::string>) {
          if (std::find(choices.begin(), choices.end(), o.*m) == choices.end())
            throw ConfigError(v.where, key + ": \"" + o.*m + "\" is not one of " + joined +
                                           did_you_mean(o.*m, choices));
        }
      });
      return *this;
    }
    /// An array must have exactly `n` entries.
    FieldRef& size_is(std::size_t n) {
      field_.info.constraint = std::to_string(n) + " entries";
      auto m = member_;
      field_.checks.push_back([m, n](const O& o, const Value& v, const std::string& key) {
        if constexpr (detail::is_vector<T>::value) {
          if ((o.*m).size() != n)
            throw ConfigError(v.where, key + ": expected " + std::to_string(n) + " entries, got " +
                                           std::to_string((o.*m).size()));
        }
      });
      return *this;
    }
    /// The option sets the starting point only (initial weights from a file): dropped
    /// when a checkpoint rebuilds the component, so a trained model does not need the file.
    FieldRef& initialisation_only() {
      field_.info.initialisation_only = true;
      return *this;
    }
    /// The kind a component option must name ("loss", "transform", …), shown in docs.
    FieldRef& kind(const std::string& component_kind) {
      field_.info.type = component_kind + " component";
      if constexpr (std::is_same_v<T, WeightedComponents>) field_.info.type += ", or an array of them with weights";
      return *this;
    }

   private:
    Field& field_;
    T O::*member_;
  };

  /// `member` may belong to `O` or to a base of `O`, so option groups shared by several
  /// structs are declared once (a template `declare` over the derived struct).
  template <class T, class C> FieldRef<T> required(const std::string& key, T C::*member, const std::string& doc) {
    static_assert(std::is_base_of_v<C, O>, "the member must belong to the options struct or a base of it");
    return add(key, static_cast<T O::*>(member), doc, true);
  }
  template <class T, class C> FieldRef<T> optional(const std::string& key, T C::*member, const std::string& doc) {
    static_assert(std::is_base_of_v<C, O>, "the member must belong to the options struct or a base of it");
    return add(key, static_cast<T O::*>(member), doc, false);
  }

  /// Builds `O` from `params`: defaults first, then each given key, then the checks.
  O parse(const Params& params) const {
    O out{};
    std::vector<std::string> known;
    for (const auto& f : fields_) known.push_back(f.info.key);
    for (const auto& [key, value] : params.entries()) {
      if (std::find(known.begin(), known.end(), key) == known.end())
        throw ConfigError(value.where, "unknown key '" + params.qualified(key) + "'" + did_you_mean(key, known));
    }
    for (const auto& f : fields_) {
      const Value* v = params.find(f.info.key);
      if (!v) {
        if (f.info.required) throw ConfigError(params.where(), "missing required key '" + params.qualified(f.info.key) + "'");
        continue;
      }
      const std::string key = params.qualified(f.info.key);
      f.read(out, *v, key);
      for (const auto& check : f.checks) check(out, *v, key);
    }
    // Checks across keys: `void check(const Params&) const` throwing ConfigError.
    if constexpr (requires(const O& o) { o.check(params); }) out.check(params);
    return out;
  }

  /// Every declared key with its type, default, constraint and doc.
  std::vector<OptionInfo> describe() const {
    std::vector<OptionInfo> out;
    for (const auto& f : fields_) out.push_back(f.info);
    return out;
  }

 private:
  template <class T> FieldRef<T> add(const std::string& key, T O::*member, const std::string& doc, bool required) {
    for (const auto& f : fields_)
      if (f.info.key == key) throw Error("option '" + key + "' is declared twice");
    Field f;
    f.info.key = key;
    f.info.type = detail::type_label<T>();
    f.info.doc = doc;
    f.info.required = required;
    if (!required) {
      const O defaults{};
      f.info.default_text = detail::format(defaults.*member);
    }
    f.read = [member](O& o, const Value& v, const std::string& k) { detail::read(v, k, o.*member); };
    fields_.push_back(std::move(f));
    return FieldRef<T>(fields_.back(), member);
  }

  std::deque<Field> fields_;  // deque: FieldRef keeps a reference while later fields are added
};

/// `O` from `params`, via `O::declare`. Throws ConfigError naming file, line and key.
template <class O> O parse_options(const Params& params) {
  OptionSchema<O> schema;
  O::declare(schema);
  return schema.parse(params);
}

/// The declared options of `O`, for `crackkd plugins` and the pipeline reference.
template <class O> std::vector<OptionInfo> describe_options() {
  OptionSchema<O> schema;
  O::declare(schema);
  return schema.describe();
}

}  // namespace crackkd
