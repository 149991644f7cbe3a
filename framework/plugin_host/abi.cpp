#include "plugin_host/abi.hpp"

#include <regex>

namespace crackkd::host {

AbiDescriptor host_abi() {
  return AbiDescriptor{CRACKKD_SDK_VERSION_MAJOR, CRACKKD_SDK_VERSION_MINOR, TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR,
                       CRACKKD_DETAIL_STR(CRACKKD_COMPILER_ID), CRACKKD_CXX11_ABI};
}

std::string describe(const AbiDescriptor& abi, const std::string& compiler) {
  return "SDK " + std::to_string(abi.sdk_major) + "." + std::to_string(abi.sdk_minor) + ", LibTorch " +
         std::to_string(abi.torch_major) + "." + std::to_string(abi.torch_minor) + ", " + compiler + ", C++11 ABI " +
         std::to_string(abi.cxx11_abi);
}

std::optional<AbiDescriptor> parse_abi_symbol(const std::string& symbol, std::string& compiler) {
  static const std::regex pattern(R"(crackkd_abi__sdk(\d+)_(\d+)__torch(\d+)_(\d+)__([A-Za-z0-9]+)__cxx(\d+))");
  std::smatch m;
  if (!std::regex_match(symbol, m, pattern)) return std::nullopt;
  compiler = m[5];
  return AbiDescriptor{std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]), std::stoi(m[4]), "", std::stoi(m[6])};
}

std::string abi_mismatch(const AbiDescriptor& plugin, const std::string& plugin_compiler) {
  const AbiDescriptor host = host_abi();
  // SDK 0.2 changed the Distiller class (the stage's ground-truth loss), so a 0.1 plugin
  // would corrupt memory: a 0.x minor must match.
  const bool sdk_ok = plugin.sdk_major == host.sdk_major &&
                      (host.sdk_major == 0 ? plugin.sdk_minor == host.sdk_minor : plugin.sdk_minor <= host.sdk_minor);
  const bool ok = sdk_ok &&
                  plugin.torch_major == host.torch_major && plugin.torch_minor == host.torch_minor &&
                  plugin_compiler == host.compiler && plugin.cxx11_abi == host.cxx11_abi;
  if (ok) return "";
  return "built for " + describe(plugin, plugin_compiler) + "; this host expects " + describe(host, host.compiler);
}

}  // namespace crackkd::host
