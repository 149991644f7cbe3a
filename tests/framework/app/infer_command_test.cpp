// `crackkd infer`: photos of several sizes and formats in a folder, one of them corrupt;
// the scale read off a marker in the photo.

#include "checkpoints/checkpoint.hpp"
#include "framework/app/cli_runner.hpp"
#include "framework/measurement/marker_photo.hpp"
#include "inference/chosen_threshold.hpp"
#include "mask_images.hpp"
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
  crackkd::checkpoints::save_checkpoint(file, *model, config, 1);
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
  // What made each row: the model file, its threshold and where that was recorded, the scale.
  EXPECT_EQ(summary.rows[1][summary.column("model")], fs::absolute(checkpoint).lexically_normal().string());
  EXPECT_DOUBLE_EQ(summary.number(1, "threshold"), 0.5);
  EXPECT_EQ(summary.rows[1][summary.column("threshold_from")], "the checkpoint (its training stage's)");
  EXPECT_DOUBLE_EQ(summary.number(1, "mm_per_px"), 0.2);
  EXPECT_THAT(r.out, HasSubstr("threshold 0.5 (from the checkpoint (its training stage's))"));
  // cracks.csv: a row per crack, adding up to each photo's summary.
  const auto cracks = crackkd::report::read_csv(out / "cracks.csv");
  for (std::size_t photo = 0; photo < summary.rows.size(); ++photo) {
    double length = 0, widest = 0, count = 0;
    for (std::size_t c = 0; c < cracks.rows.size(); ++c)
      if (cracks.rows[c][cracks.column("image")] == summary.rows[photo][summary.column("image")])
        length += cracks.number(c, "length_px"), widest = std::max(widest, cracks.number(c, "max_width_px")), ++count;
    EXPECT_EQ(count, summary.number(photo, "cracks")) << photo;
    EXPECT_NEAR(length, summary.number(photo, "length_px"), 0.01 * count + 1e-3 * length) << photo;  // two decimals each
    EXPECT_NEAR(widest, summary.number(photo, "max_width_px"), 0.01) << photo;
  }
}

TEST(InferCommand, UsesTheThresholdChosenForTheseWeightsAndSaysWhere) {
  crackkd::test::TempDir dir;
  const auto checkpoint = tiny_checkpoint(dir.path);
  fs::create_directories(dir.path / "photos");
  ASSERT_TRUE(cv::imwrite((dir.path / "photos" / "wall.png").string(), photo(80, 64)));
  crackkd::inference::write_chosen_threshold(checkpoint, 0.3, "the ODS threshold on val, evaluate stage e of pipeline p");
  const auto infer = [&](const std::string& out) {
    return crackkd::test::run_cli("infer --checkpoint " + checkpoint.string() + " " + (dir.path / "photos").string() +
                                  " --out " + (dir.path / out).string() + " --device cpu");
  };
  const auto chosen = infer("chosen");
  ASSERT_EQ(chosen.code, 0) << chosen.out;
  const auto summary = crackkd::report::read_csv(dir.path / "chosen" / "summary.csv");
  EXPECT_DOUBLE_EQ(summary.number(0, "threshold"), 0.3);
  EXPECT_THAT(summary.rows[0][summary.column("threshold_from")],
              HasSubstr("the ODS threshold on val, evaluate stage e of pipeline p (" +
                        crackkd::inference::chosen_threshold_file(checkpoint).string() + ")"));
  EXPECT_THAT(chosen.out, HasSubstr("threshold 0.3 (from the ODS threshold on val"));

  // Weights retrained since: the record is for other bytes, so the checkpoint's own threshold.
  auto host = crackkd::test::make_host();
  const auto config = crackkd::test::component("tiny_unet", "channels = [4, 8, 8, 8]");
  crackkd::checkpoints::save_checkpoint(checkpoint, *host->create<crackkd::SegmentationModel>("model", config), config, 2);
  const auto stale = infer("stale");
  ASSERT_EQ(stale.code, 0) << stale.out;
  EXPECT_THAT(stale.out, HasSubstr("was chosen for other weights"));
  EXPECT_DOUBLE_EQ(crackkd::report::read_csv(dir.path / "stale" / "summary.csv").number(0, "threshold"), 0.5);

  // A damaged record is an error naming it, not a silent default.
  dir.write("tiny.threshold.toml", "threshold = 2\n");
  const auto damaged = infer("damaged");
  EXPECT_NE(damaged.code, 0);
  EXPECT_THAT(damaged.out, HasSubstr("tiny.threshold.toml"));
}

TEST(InferCommand, ReadsEachPhotosScaleOffItsMarkerAndNamesThePhotoWithout) {
  crackkd::test::TempDir dir;
  const auto checkpoint = tiny_checkpoint(dir.path);
  fs::create_directories(dir.path / "photos");
  cv::Mat marked = photo(400, 300);
  crackkd::test::draw_marker(marked, 21, 80, {280, 180});  // 40 mm over 80 px: 0.5 mm per pixel
  ASSERT_TRUE(cv::imwrite((dir.path / "photos/marked.png").string(), marked));
  ASSERT_TRUE(cv::imwrite((dir.path / "photos/plain.png").string(), photo(400, 300)));
  const auto out = dir.path / "out";
  const auto r = crackkd::test::run_cli("infer --checkpoint " + checkpoint.string() + " " + (dir.path / "photos").string() +
                                        " --out " + out.string() + " --tile 64 --device cpu --marker-mm 40");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("error: 1 photo has no scale, measured in pixels only: " +
                               (dir.path / "photos/plain.png").string() + " (no 4X4_50 marker found)"));
  const auto summary = crackkd::report::read_csv(out / "summary.csv");
  ASSERT_EQ(summary.rows.size(), 2u);
  EXPECT_NEAR(summary.number(0, "mm_per_px"), 0.5, 0.5 * 0.02);
  EXPECT_EQ(summary.rows[0][summary.column("scale_source")], "marker 4X4_50 id 21, side 40 mm");
  EXPECT_EQ(summary.rows[1][summary.column("mm_per_px")], "");
  EXPECT_EQ(summary.rows[1][summary.column("length_mm")], "");
  EXPECT_TRUE(fs::exists(out / "plain_overlay.png")) << "measured in pixels all the same";
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

namespace {

/// The largest difference between two 8-bit images, 255 when one is missing or of another size.
double max_pixel_difference(const fs::path& a, const fs::path& b) {
  const cv::Mat x = cv::imread(a.string(), cv::IMREAD_UNCHANGED), y = cv::imread(b.string(), cv::IMREAD_UNCHANGED);
  if (x.empty() || y.empty() || x.size() != y.size()) return 255;
  double largest = 0;
  cv::minMaxLoc(cv::abs(x - y) + cv::abs(y - x), nullptr, &largest);
  return largest;
}

}  // namespace

TEST(InferCommand, FrozenEngineAndExportedFileGiveTheCheckpointsMaps) {
  crackkd::test::TempDir dir;
  auto host = crackkd::test::make_host();
  const auto config = crackkd::test::component("pct");
  torch::manual_seed(4);
  auto model = host->create<crackkd::SegmentationModel>("model", config);
  const auto checkpoint = dir.path / "pct.pt";
  crackkd::checkpoints::save_checkpoint(checkpoint, *model, config, 1);
  fs::create_directories(dir.path / "photos");
  ASSERT_TRUE(cv::imwrite((dir.path / "photos" / "wide.png").string(), photo(300, 180)));
  ASSERT_TRUE(cv::imwrite((dir.path / "photos" / "small.png").string(), photo(100, 70)));
  const std::string photos = " " + (dir.path / "photos").string() + " --tile 64 --overlap 32 --device cpu --out ";
  const auto d = dir.path.string() + "/";
  ASSERT_EQ(crackkd::test::run_cli("export " + checkpoint.string() + " --size 64 64 --out " + d + "pct.ts").code, 0);
  for (const std::string run : {"--checkpoint " + checkpoint.string() + " --engine eager" + photos + d + "eager",
                                "--checkpoint " + checkpoint.string() + photos + d + "frozen",
                                "--model " + d + "pct.ts --engine eager" + photos + d + "exported",
                                "--model " + d + "pct.ts" + photos + d + "exported_frozen"}) {
    const auto r = crackkd::test::run_cli("infer " + run);
    ASSERT_EQ(r.code, 0) << r.out;
  }
  EXPECT_THAT(crackkd::test::run_cli("infer --model " + d + "pct.ts" + photos + d + "x").out,
              HasSubstr("model.pct exported in " + d + "pct.ts, frozen graph"));
  for (const std::string name : {"wide", "small"})
    for (const std::string engine : {"frozen", "exported", "exported_frozen"}) {
      const auto probability = "/" + name + "_probability.png";
      EXPECT_LE(max_pixel_difference(d + "eager" + probability, d + engine + probability), 1) << name << " " << engine;
      // A pixel within 1e-5 of the threshold may flip: none should here, a few may anywhere.
      EXPECT_LE(crackkd::test::differing_share(d + "eager/" + name + "_mask.png", d + engine + "/" + name + "_mask.png"), 0.001)
          << name << " " << engine;
    }
}
