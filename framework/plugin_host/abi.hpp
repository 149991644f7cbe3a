#pragma once
// The host's side of the ABI check: what this host was built with, and whether a plugin
// library's descriptor (read from its ABI symbol's name) is compatible.

#include <crackkd/version.hpp>

#include <optional>
#include <string>

namespace crackkd::host {

/// The descriptor of this host build.
AbiDescriptor host_abi();

/// "SDK 0.1, LibTorch 1.13, gnu, C++11 ABI 1".
std::string describe(const AbiDescriptor& abi, const std::string& compiler);

/// Parses "crackkd_abi__sdk0_1__torch1_13__gnu__cxx1"; nullopt when malformed.
/// `compiler` receives the compiler token.
std::optional<AbiDescriptor> parse_abi_symbol(const std::string& symbol, std::string& compiler);

/// Empty when a plugin built as `plugin` may be loaded by this host; otherwise one line
/// naming what the plugin has and what the host expects. Rules: same SDK major and, from
/// SDK 1.0, a plugin SDK minor not newer than the host's (interfaces only grow; before 1.0
/// the minor must match, as a 0.x minor release may change them), the same LibTorch
/// major.minor, the same compiler family and the same `_GLIBCXX_USE_CXX11_ABI`.
std::string abi_mismatch(const AbiDescriptor& plugin, const std::string& plugin_compiler);

}  // namespace crackkd::host
