#pragma once
// Shared helpers for the tests: test_files.hpp, plus a host scanned over chosen folders
// and Params from TOML text.

#include "test_files.hpp"

#include "pipeline/toml_params.hpp"
#include "plugin_host/plugin_host.hpp"

#include <crackkd/options.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

namespace crackkd::test {

/// A host over the first-party plugins and the example model (plus `extra` folders).
inline std::unique_ptr<host::PluginHost> make_host(std::vector<fs::path> extra = {}) {
  auto host = std::make_unique<host::PluginHost>();
  extra.push_back(first_party_plugins());
  extra.push_back(test_plugins("example"));
  host->scan(extra);
  return host;
}

/// What `f` logs at debug level and above (the logger's level is restored afterwards).
template <class F> std::string logged(F&& f) {
  std::ostringstream text;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text);
  const auto level = spdlog::get_level();
  spdlog::default_logger()->sinks().push_back(sink);
  spdlog::set_level(spdlog::level::debug);
  f();
  spdlog::set_level(level);
  auto& sinks = spdlog::default_logger()->sinks();
  sinks.erase(std::remove(sinks.begin(), sinks.end(), sink), sinks.end());
  return text.str();
}

inline Params params_from(const std::string& toml) { return pipeline::parse_toml_text(toml, "test.toml"); }

inline ComponentConfig component(const std::string& plugin, const std::string& toml = "") {
  ComponentConfig c;
  c.plugin = plugin;
  c.params = params_from(toml);
  c.where = {"test.toml", 1, 1};
  return c;
}

/// The message of the ConfigError `f` throws; fails the test when it throws none.
template <class F> std::string config_error(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

/// The message of the crackkd::Error (of any subclass) `f` throws.
template <class F> std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return "";
}

}  // namespace crackkd::test
