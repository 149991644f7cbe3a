#pragma once
// Shared helpers for the tests: where the built plugins are, a temporary folder, a host
// scanned over chosen folders, and Params from TOML text.

#include "pipeline/toml_params.hpp"
#include "plugin_host/plugin_host.hpp"

#include <crackkd/options.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace crackkd::test {

namespace fs = std::filesystem;

inline fs::path source_dir() { return CRACKKD_TEST_SOURCE_DIR; }
inline fs::path first_party_plugins() { return CRACKKD_TEST_FIRST_PARTY_PLUGINS; }
inline fs::path test_plugins(const std::string& folder) { return fs::path(CRACKKD_TEST_PLUGIN_ROOT) / folder; }
inline fs::path crackkd_binary() { return CRACKKD_TEST_BINARY; }

/// The whole content of `file`, byte for byte ("" when it cannot be read).
inline std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// A fresh folder under the system temp dir, removed at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("crackkd_test_" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path file = path / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
  }
};

/// A host over the first-party plugins and the example model (plus `extra` folders).
inline std::unique_ptr<host::PluginHost> make_host(std::vector<fs::path> extra = {}) {
  auto host = std::make_unique<host::PluginHost>();
  extra.push_back(first_party_plugins());
  extra.push_back(test_plugins("example"));
  host->scan(extra);
  return host;
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
