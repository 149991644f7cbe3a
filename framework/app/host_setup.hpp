#pragma once
// A plugin host scanned over the search path the CLI was given.

#include "app/commands.hpp"
#include "plugin_host/plugin_host.hpp"

#include <spdlog/spdlog.h>

namespace crackkd::app {

inline std::unique_ptr<host::PluginHost> scanned_host(const Common& common) {
  auto host = std::make_unique<host::PluginHost>();
  const auto folders = host::PluginHost::default_search_path(common.plugin_path);
  host->scan(folders);
  if (host->component_names().empty()) {
    std::string list;
    for (const auto& f : folders) list += (list.empty() ? "" : ", ") + f.string();
    spdlog::warn("no plugins found in {}", list);
  }
  return host;
}

}  // namespace crackkd::app
