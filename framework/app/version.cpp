// `crackkd --version`: what a bug report needs: CrackKD's version, the plugin ABI a plugin
// library must match, and the LibTorch it runs on.

#include "app/command_line.hpp"

#include <crackkd/version.hpp>

#include <ATen/Context.h>
#include <torch/version.h>

namespace crackkd::app {

std::string version_text() {
  return std::string("crackkd ") + CRACKKD_VERSION + "\nplugin ABI: SDK " + std::to_string(CRACKKD_SDK_VERSION_MAJOR) +
         "." + std::to_string(CRACKKD_SDK_VERSION_MINOR) + ", LibTorch " + std::to_string(CRACKKD_ABI_TORCH_MAJOR) + "." +
         std::to_string(CRACKKD_ABI_TORCH_MINOR) + ", C++11 ABI " + std::to_string(CRACKKD_CXX11_ABI) +
         "\nLibTorch " + TORCH_VERSION + ", " +
         (at::globalContext().hasCUDA() ? "CUDA available" : "no CUDA (CPU only)");
}

}  // namespace crackkd::app
