#pragma once
// The plugin host: finds plugin libraries, lists their components from the file alone,
// refuses incompatible or conflicting ones, and creates components on demand. Every
// object it creates keeps its library loaded for as long as the object lives.

#include <crackkd/component.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace boost::dll {
class shared_library;
}

namespace crackkd::host {

/// One library found on the plugin path.
struct PluginLibrary {
  std::filesystem::path path;
  std::string abi_symbol;
  std::vector<std::string> components;  ///< "kind.name"
  std::shared_ptr<boost::dll::shared_library> loaded;  ///< null until first use
  std::string content_hash;  ///< of the file: stages record the build they ran with
};

/// What a scan saw, besides the usable libraries: files refused (ABI) and skipped (not plugins).
struct ScanReport {
  std::vector<std::string> refused;  ///< one line each: path and reason
  std::vector<std::string> skipped;
};

class PluginHost {
 public:
  PluginHost();
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  /// The folders to scan, in order: `extra` (from --plugin-path), then each folder of
  /// CRACKKD_PLUGIN_PATH, then the plugin folder next to the executable.
  static std::vector<std::filesystem::path> default_search_path(const std::vector<std::filesystem::path>& extra);

  /// Scans every `*.so` in `folders` (missing folders are ignored). Logs a warning for each
  /// refused or skipped file; throws crackkd::Error on a duplicate `kind.name`.
  ScanReport scan(const std::vector<std::filesystem::path>& folders);

  /// "kind.name" of every component, sorted.
  std::vector<std::string> component_names() const;
  /// Names of the components of one kind ("model" → {"tiny_unet", …}).
  std::vector<std::string> names_of_kind(const std::string& kind) const;
  bool has(const std::string& kind, const std::string& name) const;

  /// The component's exported entry (loads its library on first use).
  const ComponentEntry& entry(const std::string& kind, const std::string& name);
  const PluginLibrary& library_of(const std::string& kind, const std::string& name) const;

  /// Checks that `config` names a known component of `kind` and that its options parse;
  /// throws ConfigError at the config's location ("unknown model plugin 'pcx' (did you mean 'pct'?)").
  void validate(const std::string& kind, const ComponentConfig& config);

  /// Creates the component; `Interface` must be `kinds::<kind>`.
  template <class Interface>
  std::shared_ptr<Interface> create(const std::string& kind, const ComponentConfig& config) {
    std::shared_ptr<void> object = create_erased(kind, config);
    return std::shared_ptr<Interface>(object, static_cast<Interface*>(object.get()));
  }

 private:
  std::shared_ptr<void> create_erased(const std::string& kind, const ComponentConfig& config);
  PluginLibrary& loaded_library(const std::string& qualified);

  std::vector<PluginLibrary> libraries_;
  std::map<std::string, std::size_t> component_library_;  ///< "kind.name" → index in libraries_
};

}  // namespace crackkd::host
