#include "plugin_host/plugin_host.hpp"

#include "io/content_hash.hpp"
#include "plugin_host/abi.hpp"

#include <boost/dll/library_info.hpp>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <set>

namespace crackkd::host {

namespace fs = std::filesystem;

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

/// The exported objects that keep a library loaded: the library outlives the object.
struct LibraryBoundObject {
  std::shared_ptr<boost::dll::shared_library> library;
  std::shared_ptr<void> object;
  ~LibraryBoundObject() { object.reset(); }
};

/// Keeps a loaded library mapped until the process exits. An exception thrown by plugin
/// code has its vtable, type_info and message functions in that library; when it
/// propagates out of the scope that owns the last handle (a PluginHost, a stage's
/// components), an unload would leave the CLI's catch calling `what()` through unmapped
/// memory. Objects from one library do not outlive the process, so nothing is lost by
/// never unloading, and every error reaches the user intact.
void pin_until_exit(const fs::path& path) {
  if (!::dlopen(path.c_str(), RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE))
    throw Error("cannot pin plugin " + path.string() + " in memory: " + ::dlerror());
}

}  // namespace

PluginHost::PluginHost() = default;
PluginHost::~PluginHost() = default;

std::vector<fs::path> PluginHost::default_search_path(const std::vector<fs::path>& extra) {
  std::vector<fs::path> out = extra;
  if (const char* env = std::getenv("CRACKKD_PLUGIN_PATH")) {
    std::string list = env;
    std::size_t start = 0;
    while (start <= list.size()) {
      std::size_t end = list.find(':', start);
      if (end == std::string::npos) end = list.size();
      if (end > start) out.emplace_back(list.substr(start, end - start));
      start = end + 1;
    }
  }
  out.push_back(boost::dll::program_location().parent_path().parent_path() / "lib" / "crackkd" / "plugins");
  return out;
}

ScanReport PluginHost::scan(const std::vector<fs::path>& folders) {
  ScanReport report;
  std::set<fs::path> seen;
  for (const auto& folder : folders) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(folder, ec))
      if (e.path().extension() == ".so") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      const fs::path canonical = fs::weakly_canonical(file, ec);
      if (!seen.insert(canonical).second) continue;
      std::vector<std::string> symbols;
      try {
        boost::dll::library_info info(file);
        symbols = info.symbols(kPluginSection);
      } catch (const std::exception& e) {
        report.skipped.push_back(file.string() + ": not a plugin (" + e.what() + ")");
        spdlog::warn("skipping {}", report.skipped.back());
        continue;
      }
      PluginLibrary lib;
      lib.path = file;
      for (const auto& s : symbols) {
        if (starts_with(s, kAbiSymbolPrefix)) {
          lib.abi_symbol = s;
        } else if (starts_with(s, kComponentSymbolPrefix)) {
          std::string rest = s.substr(std::strlen(kComponentSymbolPrefix));
          auto sep = rest.find("__");
          if (sep != std::string::npos) lib.components.push_back(rest.substr(0, sep) + "." + rest.substr(sep + 2));
        }
      }
      if (lib.abi_symbol.empty() || lib.components.empty()) {
        report.skipped.push_back(file.string() + ": not a plugin (no CrackKD components or ABI descriptor)");
        spdlog::warn("skipping {}", report.skipped.back());
        continue;
      }
      std::string compiler;
      auto abi = parse_abi_symbol(lib.abi_symbol, compiler);
      std::string mismatch = abi ? abi_mismatch(*abi, compiler) : "unreadable ABI descriptor " + lib.abi_symbol;
      if (!mismatch.empty()) {
        report.refused.push_back(file.string() + ": refused, " + mismatch);
        spdlog::error("plugin {}", report.refused.back());
        continue;
      }
      for (const auto& c : lib.components) {
        auto it = component_library_.find(c);
        if (it != component_library_.end())
          throw Error("duplicate component " + c + " in " + file.string() + " and " +
                      libraries_[it->second].path.string());
      }
      std::sort(lib.components.begin(), lib.components.end());
      lib.content_hash = io::file_hash(file);
      for (const auto& c : lib.components) component_library_[c] = libraries_.size();
      libraries_.push_back(std::move(lib));
    }
  }
  return report;
}

std::vector<std::string> PluginHost::component_names() const {
  std::vector<std::string> out;
  for (const auto& [name, index] : component_library_) out.push_back(name);
  return out;
}

std::vector<std::string> PluginHost::names_of_kind(const std::string& kind) const {
  std::vector<std::string> out;
  for (const auto& [name, index] : component_library_)
    if (starts_with(name, (kind + ".").c_str())) out.push_back(name.substr(kind.size() + 1));
  return out;
}

bool PluginHost::has(const std::string& kind, const std::string& name) const {
  return component_library_.count(kind + "." + name) != 0;
}

const PluginLibrary& PluginHost::library_of(const std::string& kind, const std::string& name) const {
  auto it = component_library_.find(kind + "." + name);
  if (it == component_library_.end()) throw Error("no component " + kind + "." + name + " on the plugin path");
  return libraries_[it->second];
}

PluginLibrary& PluginHost::loaded_library(const std::string& qualified) {
  auto it = component_library_.find(qualified);
  if (it == component_library_.end()) throw Error("no component " + qualified + " on the plugin path");
  PluginLibrary& lib = libraries_[it->second];
  if (!lib.loaded) {
    try {
      lib.loaded = std::make_shared<boost::dll::shared_library>(lib.path, boost::dll::load_mode::rtld_lazy);
    } catch (const std::exception& e) {
      throw Error("cannot load plugin " + lib.path.string() + ": " + e.what());
    }
    pin_until_exit(lib.path);
    // The name said the ABI matches; the descriptor's fields must say the same.
    const auto* abi = static_cast<const AbiDescriptor*>(lib.loaded->get<const void*>(lib.abi_symbol));
    std::string compiler = abi->compiler;
    std::string mismatch = abi_mismatch(*abi, compiler);
    if (!mismatch.empty()) {
      lib.loaded.reset();
      throw Error("plugin " + lib.path.string() + " refused: " + mismatch);
    }
  }
  return lib;
}

const ComponentEntry& PluginHost::entry(const std::string& kind, const std::string& name) {
  PluginLibrary& lib = loaded_library(kind + "." + name);
  const std::string symbol = std::string(kComponentSymbolPrefix) + kind + "__" + name;
  return *static_cast<const ComponentEntry*>(lib.loaded->get<const void*>(symbol));
}

void PluginHost::validate(const std::string& kind, const ComponentConfig& config) {
  if (!has(kind, config.plugin)) {
    std::string message = "unknown " + kind + " plugin '" + config.plugin + "'";
    std::string hint = did_you_mean(config.plugin, names_of_kind(kind));
    if (hint.empty()) {
      auto known = names_of_kind(kind);
      std::string list;
      for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
      hint = known.empty() ? " (no " + kind + " plugins on the plugin path)" : " (known: " + list + ")";
    }
    throw ConfigError(config.where, message + hint);
  }
  entry(kind, config.plugin).validate(config.params);
}

std::shared_ptr<void> PluginHost::create_erased(const std::string& kind, const ComponentConfig& config) {
  validate(kind, config);
  PluginLibrary& lib = loaded_library(kind + "." + config.plugin);
  auto holder = std::make_shared<LibraryBoundObject>();
  holder->library = lib.loaded;
  holder->object = entry(kind, config.plugin).create(config.params);
  void* raw = holder->object.get();
  return std::shared_ptr<void>(holder, raw);
}

}  // namespace crackkd::host
