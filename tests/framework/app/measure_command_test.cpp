// `crackkd measure` through the real binary: masks of any convention and probability maps
// in, summary.csv, cracks.csv and each mask's GeoJSON and DXF out, in pixels and
// millimetres; bad input named.

#include "framework/app/cli_runner.hpp"
#include "report/csv_table.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <sstream>

using ::testing::HasSubstr;
namespace fs = std::filesystem;
using crackkd::report::read_csv;

namespace {

/// A 0/255 mask with one horizontal crack `length` x `width`, left end at x = 20.
cv::Mat band_mask(int length, int width) {
  cv::Mat mask = cv::Mat::zeros(80, length + 40, CV_8U);
  mask(cv::Rect(20, 30, length, width)).setTo(255);
  return mask;
}

struct MeasureCommand : testing::Test {
  crackkd::test::TempDir dir;
  std::string d = dir.path.string() + "/";
  fs::path masks = dir.path / "masks";
  void SetUp() override { fs::create_directories(masks); }
};

TEST_F(MeasureCommand, MeasuresEachCrackInPixelsAndMillimetres) {
  ASSERT_TRUE(cv::imwrite((masks / "a_wall.png").string(), band_mask(120, 6)));
  ASSERT_TRUE(cv::imwrite((masks / "b_clean.png").string(), cv::Mat::zeros(50, 60, CV_8U)));
  const auto r = crackkd::test::run_cli("measure " + masks.string() + " --out " + d + "out --mm-per-px 0.5");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto summary = read_csv(dir.path / "out/summary.csv");
  ASSERT_EQ(summary.rows.size(), 2u);
  EXPECT_EQ(summary.number(0, "cracks"), 1);
  EXPECT_NEAR(summary.number(0, "length_px"), 120, 0.03 * 120);
  EXPECT_NEAR(summary.number(0, "max_width_px"), 6, 0.6);
  EXPECT_NEAR(summary.number(0, "length_mm"), summary.number(0, "length_px") * 0.5, 1e-3);
  EXPECT_EQ(summary.number(0, "crack_area_px"), 720);
  // A mask without crack is a row of zeros, not an error.
  EXPECT_EQ(summary.number(1, "cracks"), 0);
  EXPECT_EQ(summary.number(1, "crack_area_px"), 0);
  const auto cracks = read_csv(dir.path / "out/cracks.csv");
  ASSERT_EQ(cracks.rows.size(), 1u);
  EXPECT_THAT(cracks.rows[0][cracks.column("image")], HasSubstr("a_wall.png"));
  EXPECT_NEAR(cracks.number(0, "median_width_px"), 6, 0.6);
  EXPECT_NEAR(cracks.number(0, "max_width_mm"), cracks.number(0, "max_width_px") * 0.5, 1e-2);
  EXPECT_NEAR(cracks.number(0, "orientation_deg"), 0, 1);
  EXPECT_NEAR(cracks.number(0, "box_x"), 20, 0.6);
  EXPECT_EQ(cracks.number(0, "mm_per_px"), 0.5);

  // The crack as GeoJSON and DXF, read back by an independent reader (Python: json, and the
  // DXF's group codes): a line as long as cracks.csv says, in millimetres, and its label.
  const auto files = crackkd::test::run_shell(crackkd::test::torch_python() + " " +
                                              (crackkd::test::source_dir() / "tests/framework/app/read_crack_files.py").string() +
                                              " " + d + "out/a_wall_cracks.geojson " + d + "out/a_wall_cracks.dxf");
  ASSERT_EQ(files.code, 0) << files.out;
  const double length_mm = cracks.number(0, "length_mm");
  double geojson_length = -1, dxf_length = -1;
  std::istringstream lines(files.out);
  for (std::string kind, id; lines >> kind;) {
    if (kind == "geojson") lines >> id >> geojson_length;
    else if (kind == "dxf") lines >> id >> dxf_length;
    else if (kind == "labels") EXPECT_TRUE(lines >> id && id == "1") << files.out;
    else lines >> id;  // units
  }
  EXPECT_NEAR(geojson_length, length_mm, 0.01) << files.out;
  EXPECT_NEAR(dxf_length, length_mm, 0.01) << files.out;
  EXPECT_THAT(files.out, HasSubstr("units mm\n"));  // the GeoJSON's
  EXPECT_THAT(files.out, HasSubstr("units 4\n"));   // the DXF's $INSUNITS: 4 = millimetres
  EXPECT_TRUE(fs::exists(dir.path / "out/b_clean_cracks.geojson")) << "an empty collection for a mask without crack";
}

TEST_F(MeasureCommand, ReadsMasksAsTheFolderDatasetDoesAndProbabilityMapsToAFractionOfAPixel) {
  cv::Mat ones = band_mask(100, 4) / 255;  // 0/1 labels, as mmsegmentation writes them
  ASSERT_TRUE(cv::imwrite((masks / "labels.png").string(), ones));
  const auto labels = crackkd::test::run_cli("measure " + masks.string() + " --out " + d + "labels");
  ASSERT_EQ(labels.code, 0) << labels.out;
  EXPECT_NEAR(read_csv(dir.path / "labels/summary.csv").number(0, "length_px"), 100, 3);

  // A 16-bit probability map: 1 on five rows, 0.75 on the row either side of them.
  cv::Mat p = cv::Mat::zeros(60, 160, CV_16U);
  p(cv::Rect(20, 20, 120, 5)).setTo(65535);
  p(cv::Rect(20, 19, 120, 1)).setTo(49151);
  p(cv::Rect(20, 25, 120, 1)).setTo(49151);
  fs::create_directories(dir.path / "maps");
  ASSERT_TRUE(cv::imwrite(d + "maps/wall_probability.png", p));
  const auto maps = crackkd::test::run_cli("measure " + d + "maps --probability --out " + d + "maps_out");
  ASSERT_EQ(maps.code, 0) << maps.out;
  const auto cracks = read_csv(dir.path / "maps_out/cracks.csv");
  ASSERT_EQ(cracks.rows.size(), 1u);
  // Bilinear between 0.75 at the edge rows' centres and 0 a pixel further: the threshold 0.5
  // is crossed a third of a pixel beyond them, so 5 + 2 x (1/2 + 1/3) px.
  EXPECT_NEAR(cracks.number(0, "median_width_px"), 6 + 2.0 / 3, 0.05);
}

TEST_F(MeasureCommand, NamesWhatItCannotMeasure) {
  const auto none = crackkd::test::run_cli("measure " + masks.string() + " --out " + d + "out");
  EXPECT_NE(none.code, 0);
  EXPECT_THAT(none.out, HasSubstr("measure: no mask images to measure"));

  ASSERT_TRUE(cv::imwrite((masks / "good.png").string(), band_mask(80, 3)));
  std::ofstream(masks / "broken.png") << "not a png";
  const auto broken = crackkd::test::run_cli("measure " + (masks / "good.png").string() + " " + (masks / "broken.png").string() +
                                             " --mask-values 0/255 --out " + d + "out");
  EXPECT_EQ(broken.code, 1) << broken.out;
  EXPECT_THAT(broken.out, HasSubstr("1 unreadable mask skipped: " + (masks / "broken.png").string()));
  EXPECT_EQ(read_csv(dir.path / "out/summary.csv").rows.size(), 1u) << "the good mask is measured";

  const cv::Mat colour(20, 20, CV_8UC3, cv::Scalar(0, 0, 255));
  ASSERT_TRUE(cv::imwrite(d + "colour.png", colour));
  const auto not_a_map = crackkd::test::run_cli("measure " + d + "colour.png --probability --out " + d + "out2");
  EXPECT_NE(not_a_map.code, 0);
  EXPECT_THAT(not_a_map.out, HasSubstr("colour.png is not a probability map"));

  const auto threshold_alone = crackkd::test::run_cli("measure " + d + "colour.png --threshold 0.3 --out " + d + "out3");
  EXPECT_EQ(threshold_alone.code, 2);
  EXPECT_THAT(threshold_alone.out, HasSubstr("--threshold requires --probability"));
}

}  // namespace
