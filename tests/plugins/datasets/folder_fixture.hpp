#pragma once
// A scratch folder and the plugin host, for the tests of dataset.folder: they open the
// dataset exactly as a pipeline does, through the host, with the options as TOML text.

#include "test_support.hpp"

#include <crackkd/dataset.hpp>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <string>

namespace crackkd::test {

class FolderFixture : public ::testing::Test {
 protected:
  /// `root` with `options` (TOML lines) added.
  std::shared_ptr<Dataset> open_folder(const std::filesystem::path& root, const std::string& options = "") {
    return host_->create<Dataset>("dataset", component("folder", "root = \"" + root.string() + "\"\n" + options));
  }
  /// Writes `image` as root/images/<name> and `mask` as root/masks/<mask_name>.
  static void write(const std::filesystem::path& root, const std::string& name, const cv::Mat& image,
                    const std::string& mask_name, const cv::Mat& mask) {
    std::filesystem::create_directories(root / "images");
    std::filesystem::create_directories(root / "masks");
    cv::imwrite((root / "images" / name).string(), image);
    cv::imwrite((root / "masks" / mask_name).string(), mask);
  }

  TempDir dir_;
  std::unique_ptr<host::PluginHost> host_ = make_host();
};

}  // namespace crackkd::test
