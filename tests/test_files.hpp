#pragma once
// Where the built binary and plugins are, a file's bytes, and a temporary folder: the
// helpers of every test, with no LibTorch (the bad-input suite runs the binary only).

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

}  // namespace crackkd::test
