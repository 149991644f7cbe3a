#include "plugins/datasets/folder_fixture.hpp"

#include <crackkd/dataset.hpp>

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

using namespace crackkd;
using ::testing::HasSubstr;

namespace {

class FolderDataset : public test::FolderFixture {
 protected:
  void write_pair(const std::string& name, int rows, int cols, int mask_rows, int mask_cols) {
    cv::Mat image(rows, cols, CV_8UC3, cv::Scalar(10, 20, 30));  // BGR
    cv::Mat mask = cv::Mat::zeros(mask_rows, mask_cols, CV_8UC1);
    mask.at<uchar>(0, 0) = 255;
    mask.at<uchar>(0, 1) = 127;  // below the 128 cut
    mask.at<uchar>(0, 2) = 128;
    write(dir_.path, name + ".png", image, name + ".png", mask);
  }
  std::shared_ptr<Dataset> open(bool cache = true) {
    return open_with(std::string("cache = ") + (cache ? "true" : "false"));
  }
  std::shared_ptr<Dataset> open_with(const std::string& options) { return open_folder(dir_.path, options); }
  /// A pair of random pixels, so that two samples are equal only if decoded alike.
  void write_noise_pair(const std::string& name, int side) {
    cv::Mat image(side, side, CV_8UC3), mask(side, side, CV_8UC1);
    cv::randu(image, 0, 256);
    cv::randu(mask, 0, 256);
    write(dir_.path, name + ".png", image, name + ".png", mask);
  }
};

}  // namespace

TEST_F(FolderDataset, ReadsRgbImagesAndBinarisesMasks) {
  write_pair("b", 16, 24, 16, 24);
  write_pair("a", 32, 32, 32, 32);
  auto ds = open();
  ASSERT_EQ(ds->size(), 2u);
  auto s = ds->get(0);
  EXPECT_THAT(s.id, HasSubstr("a.png"));  // sorted by name
  EXPECT_EQ(s.image.sizes(), (std::vector<std::int64_t>{3, 32, 32}));
  EXPECT_NEAR(s.image[0][0][0].item<float>(), 30 / 255.0, 1e-6);  // R first
  EXPECT_NEAR(s.image[2][0][0].item<float>(), 10 / 255.0, 1e-6);
  EXPECT_EQ(s.mask[0][0][0].item<float>(), 1.0f);
  EXPECT_EQ(s.mask[0][0][1].item<float>(), 0.0f);
  EXPECT_EQ(s.mask[0][0][2].item<float>(), 1.0f);
  EXPECT_EQ(ds->get(1).image.sizes(), (std::vector<std::int64_t>{3, 16, 24}));
}

TEST_F(FolderDataset, CacheFillsUpToItsBudgetAndTheRestIsDecodedWhenRead) {
  // 512x512 keeps 1 MiB of 8-bit pixels (768 KiB RGB + 256 KiB mask): 2 MiB hold two of three.
  for (const char* name : {"a", "b", "c"}) write_noise_pair(name, 512);
  auto uncached = open(false);
  ::testing::internal::CaptureStderr();
  auto partly = open_with("cache_mb = 2");
  const std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(said, HasSubstr("2 of 3 images of " + (dir_.path / "images").string() +
                              " cached in memory, 2.0 MiB of 2.0 MiB (cache_mb)"));
  EXPECT_THAT(said, HasSubstr("the other 1 are decoded when read"));
  ASSERT_EQ(partly->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    auto cached = partly->get(i), plain = uncached->get(i);
    EXPECT_EQ(cached.id, plain.id);
    EXPECT_TRUE(cached.image.equal(plain.image)) << "image " << i;
    EXPECT_TRUE(cached.mask.equal(plain.mask)) << "mask " << i;
    EXPECT_EQ(cached.image.scalar_type(), at::kFloat);
    EXPECT_EQ(cached.mask.scalar_type(), at::kFloat);
  }
  // A transform writing into a sample in place must not reach the cache.
  partly->get(0).image.zero_();
  EXPECT_TRUE(partly->get(0).image.equal(uncached->get(0).image));

  ::testing::internal::CaptureStderr();
  open();  // the default budget, half the available memory, holds 3 MiB
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("all 3 images of "));
  ::testing::internal::CaptureStderr();
  open_with("cache_mb = 0");
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("0 of 3 images"));
  EXPECT_THAT(test::error_of([&] { open_with("cache_mb = -2"); }), HasSubstr("cache_mb: -2 is outside [-1, "));
}

TEST_F(FolderDataset, CorruptImageIsNamed) {
  write_pair("a", 8, 8, 8, 8);
  dir_.write("images/a.png", "not a png at all");
  auto message = test::error_of([&] { open(); });
  EXPECT_THAT(message, HasSubstr("cannot read image " + (dir_.path / "images" / "a.png").string()));
  // Without the cache the error comes when the sample is read.
  auto lazy = open(false);
  EXPECT_THAT(test::error_of([&] { lazy->get(0); }), HasSubstr("cannot read image"));
}

TEST_F(FolderDataset, MaskSizeMismatchIsNamed) {
  write_pair("a", 32, 32, 30, 32);
  EXPECT_THAT(test::error_of([&] { open(); }),
              HasSubstr("mask 32x30 does not match image 32x32 (width x height) in " + (dir_.path / "masks" / "a.png").string()));
}

TEST_F(FolderDataset, MissingMaskIsNamed) {
  write_pair("a", 8, 8, 8, 8);
  std::filesystem::remove(dir_.path / "masks" / "a.png");
  EXPECT_THAT(test::error_of([&] { open(); }), HasSubstr("no mask for " + (dir_.path / "images" / "a.png").string()));
}

TEST_F(FolderDataset, EmptyFolderIsNamed) {
  std::filesystem::create_directories(dir_.path / "images");
  std::filesystem::create_directories(dir_.path / "masks");
  EXPECT_THAT(test::error_of([&] { open(); }), HasSubstr("no images in " + (dir_.path / "images").string()));
}

TEST_F(FolderDataset, MissingRootIsNamed) {
  EXPECT_THAT(test::error_of([&] { open(); }), HasSubstr("no image folder " + (dir_.path / "images").string()));
}

TEST_F(FolderDataset, ReadsTheRealMasonryDataWhenPresent) {
  const char* data = std::getenv("CRACKKD_DATA");
  const auto root = (data ? std::filesystem::path(data) : test::source_dir().parent_path() / "shared" / "data") /
                    "masonry224" / "val";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no masonry224 at " << root;
  auto ds = host_->create<Dataset>("dataset", test::component("folder", "root = \"" + root.string() + "\""));
  EXPECT_EQ(ds->size(), 24u);
  auto s = ds->get(0);
  EXPECT_EQ(s.image.sizes(), (std::vector<std::int64_t>{3, 224, 224}));
  const double crack_fraction = s.mask.mean().item<double>();
  EXPECT_GT(crack_fraction, 0.0);
  EXPECT_LT(crack_fraction, 0.5);
}

TEST_F(FolderDataset, ItsFingerprintFollowsTheFilesBytesNotTheirTimes) {
  // What decides whether its stages rerun: a copy (new times) keeps their training, a
  // file changed in place (same size) reruns them, as does a file added.
  write_noise_pair("a", 8);
  write_noise_pair("b", 8);
  const auto& folder = host_->entry("dataset", "folder");
  const auto print = [&](const std::filesystem::path& root) {
    return folder.input_fingerprint(test::params_from("root = \"" + root.string() + "\""));
  };
  const std::string before = print(dir_.path);
  EXPECT_THAT(before, ::testing::StartsWith("4 files "));

  test::TempDir copy;
  std::filesystem::copy(dir_.path, copy.path, std::filesystem::copy_options::recursive |
                                                 std::filesystem::copy_options::overwrite_existing);
  for (const auto& f : std::filesystem::recursive_directory_iterator(copy.path))
    if (f.is_regular_file())
      std::filesystem::last_write_time(f.path(), std::filesystem::last_write_time(f.path()) + std::chrono::hours(24));
  EXPECT_EQ(print(copy.path), before);

  const auto mask = copy.path / "masks" / "a.png";
  std::fstream bytes(mask, std::ios::in | std::ios::out | std::ios::binary);
  bytes.seekp(-5, std::ios::end);  // inside the PNG's last chunk: same size, other bytes
  bytes.put('x');
  bytes.close();
  const std::string edited = print(copy.path);
  EXPECT_NE(edited, before);
  write_noise_pair("c", 8);
  EXPECT_NE(print(dir_.path), before);
}
