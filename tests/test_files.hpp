#pragma once
// Where the built binary and plugins are, a file's bytes, and a temporary folder: the
// helpers of every test, with no LibTorch (the bad-input suite runs the binary only).

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace crackkd::test {

namespace fs = std::filesystem;

// Where this build put things: tests/test_paths.cpp.in, configured by CMake.
fs::path source_dir();
fs::path first_party_plugins();
fs::path test_plugins(const std::string& folder);
fs::path crackkd_binary();
fs::path torchscript_runner();
fs::path segment_cracks();
/// Debian's python3 with torch and torchvision (not a virtual environment's).
std::string torch_python();
/// node_modules with onnxruntime-node and pngjs (`make` installs them).
fs::path node_modules();

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

}  // namespace crackkd::test
