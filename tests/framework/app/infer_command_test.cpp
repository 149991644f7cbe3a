// `crackkd infer`: photos of several sizes and formats in a folder, one of them corrupt.

#include "engine/checkpoint.hpp"
#include "framework/app/cli_runner.hpp"
#include "report/csv_table.hpp"
#include "test_support.hpp"

#include <crackkd/model.hpp>

#include <gmock/gmock.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

/// A checkpoint of a small, untrained model.tiny_unet.
fs::path tiny_checkpoint(const fs::path& folder) {
  auto host = crackkd::test::make_host();
  const auto config = crackkd::test::component("tiny_unet", "channels = [4, 8, 8, 8]");
  auto model = host->create<crackkd::SegmentationModel>("model", config);
  const auto file = folder / "tiny.pt";
  crackkd::engine::save_checkpoint(file, *model, config, 1);
  return file;
}

cv::Mat photo(int width, int height) {
  cv::Mat image(height, width, CV_8UC3, cv::Scalar(150, 160, 170));
  cv::line(image, {5, height / 2}, {width - 5, height / 3}, cv::Scalar(30, 30, 30), 3);
  return image;
}

}  // namespace

TEST(InferCommand, ProcessesTheGoodPhotosAndNamesTheCorruptOne) {
  crackkd::test::TempDir dir;
  const auto checkpoint = tiny_checkpoint(dir.path);
  fs::create_directories(dir.path / "photos");
  ASSERT_TRUE(cv::imwrite((dir.path / "photos" / "wall_a.png").string(), photo(100, 70)));
  ASSERT_TRUE(cv::imwrite((dir.path / "photos" / "wall_b.jpg").string(), photo(300, 180)));  // tiled at --tile 64
  dir.write("photos/wall_c.png", "this is not a PNG");
  const auto out = dir.path / "out";

  const auto r = crackkd::test::run_cli("infer --checkpoint " + checkpoint.string() + " " + (dir.path / "photos").string() +
                                        " --out " + out.string() + " --tile 64 --overlap 32 --device cpu --mm-per-px 0.2");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("wall_c.png"));
  EXPECT_THAT(r.out, HasSubstr("2 of 3 images"));
  for (const auto* name : {"wall_a", "wall_b"})
    for (const auto* suffix : {"_probability.png", "_mask.png", "_overlay.png"}) {
      const cv::Mat written = cv::imread((out / (std::string(name) + suffix)).string(), cv::IMREAD_UNCHANGED);
      ASSERT_FALSE(written.empty()) << name << suffix;
      EXPECT_EQ(written.cols, std::string(name) == "wall_a" ? 100 : 300);
    }
  const auto summary = crackkd::report::read_csv(out / "summary.csv");
  ASSERT_EQ(summary.rows.size(), 2u);
  EXPECT_DOUBLE_EQ(summary.number(1, "width"), 300);
  EXPECT_DOUBLE_EQ(summary.number(1, "height"), 180);
  EXPECT_NEAR(summary.number(1, "length_mm"), summary.number(1, "length_px") * 0.2, 1e-5 * summary.number(1, "length_px"));  // 6 digits
}

TEST(InferCommand, HelpDocumentsTheOptions) {
  const auto r = crackkd::test::run_cli("infer --help");
  EXPECT_EQ(r.code, 0);
  for (const auto* option : {"--checkpoint", "--out", "--tile", "--overlap", "--threshold", "--mm-per-px", "--device"})
    EXPECT_THAT(r.out, HasSubstr(option));
}

TEST(InferCommand, AMissingInputIsOneClearLine) {
  crackkd::test::TempDir dir;
  const auto checkpoint = tiny_checkpoint(dir.path);
  const auto r = crackkd::test::run_cli("infer --checkpoint " + checkpoint.string() + " /nonexistent/photo.jpg --out " +
                                        (dir.path / "out").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("no such file or folder: /nonexistent/photo.jpg"));
}
