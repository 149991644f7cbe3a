#pragma once
// The SDK's version and the ABI descriptor every plugin library exports.
//
// C++ objects (tensors, std::string, virtual classes) cross the plugin boundary and
// Boost.DLL promises no ABI, so host and plugin must agree on everything that shapes
// those objects: the SDK's interfaces, LibTorch's version, the C++ standard library and
// its dual ABI. The host reads a library's descriptor from the *name* of an exported
// symbol before it loads the library, so a mismatched plugin is refused without ever
// running its static initialisers.

#define CRACKKD_SDK_VERSION_MAJOR 0
#define CRACKKD_SDK_VERSION_MINOR 3

#include <torch/version.h>

#ifndef _GLIBCXX_USE_CXX11_ABI
#define CRACKKD_CXX11_ABI 0
#else
#define CRACKKD_CXX11_ABI _GLIBCXX_USE_CXX11_ABI
#endif

#if defined(__clang__)
#define CRACKKD_COMPILER_ID clang
#elif defined(__GNUC__)
#define CRACKKD_COMPILER_ID gnu
#else
#define CRACKKD_COMPILER_ID other
#endif

// Tests build deliberately mismatched libraries by overriding one field.
#ifndef CRACKKD_ABI_TORCH_MAJOR
#define CRACKKD_ABI_TORCH_MAJOR TORCH_VERSION_MAJOR
#endif
#ifndef CRACKKD_ABI_TORCH_MINOR
#define CRACKKD_ABI_TORCH_MINOR TORCH_VERSION_MINOR
#endif

namespace crackkd {

/// What a plugin library was built against. Example:
/// `AbiDescriptor{0, 1, 1, 13, "gnu", 1}` = SDK 0.1, LibTorch 1.13, GCC, C++11 ABI on.
struct AbiDescriptor {
  int sdk_major = 0;
  int sdk_minor = 0;
  int torch_major = 0;
  int torch_minor = 0;
  const char* compiler = "";
  int cxx11_abi = 0;
};

}  // namespace crackkd

#define CRACKKD_DETAIL_STR2(x) #x
#define CRACKKD_DETAIL_STR(x) CRACKKD_DETAIL_STR2(x)
#define CRACKKD_DETAIL_CAT5(a, b, c, d, e) a##b##c##d##e
