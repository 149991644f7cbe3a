// `crackkd measure` through the real binary: masks of any convention and probability maps
// in, summary.csv, cracks.csv and each mask's GeoJSON and DXF out, in pixels and
// millimetres, the scale given once, per photo in a file, or read off a marker in the
// photo; bad input named.

#include "framework/app/cli_runner.hpp"
#include "framework/measurement/marker_photo.hpp"
#include "report/csv_table.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <map>
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

TEST_F(MeasureCommand, TakesAScalePerPhotoFromAFileWithWidthClasses) {
  ASSERT_TRUE(cv::imwrite((masks / "IMG_01.png").string(), band_mask(120, 6)));
  ASSERT_TRUE(cv::imwrite((masks / "IMG_02.png").string(), band_mask(80, 3)));
  ASSERT_TRUE(cv::imwrite((masks / "IMG_03.png").string(), band_mask(60, 4)));
  // As an inspector's log may be: Excel's byte order mark, spaces, an extra column, names
  // with and without extension, a row for a photo not measured.
  std::ofstream(d + "scales.csv") << "\xEF\xBB\xBFphoto, mm_per_px ,distance_m\nIMG_01.jpg, 0.5 ,1.2\nIMG_02,0.1,0.3\n"
                                  << "IMG_99,0.2,1\n";
  const auto r = crackkd::test::run_cli("measure " + masks.string() + " --out " + d + "out --scale-file " + d +
                                        "scales.csv --width-classes 0.5,2");
  EXPECT_EQ(r.code, 1) << r.out;  // IMG_03 has no scale
  EXPECT_THAT(r.out, HasSubstr("lists 1 photo not among the inputs: IMG_99"));
  EXPECT_THAT(r.out, HasSubstr("error: 1 photo has no scale, measured in pixels only: " + (masks / "IMG_03.png").string() +
                               " (not in " + d + "scales.csv)"));
  const auto summary = read_csv(dir.path / "out/summary.csv");
  ASSERT_EQ(summary.rows.size(), 3u);
  EXPECT_EQ(summary.number(0, "mm_per_px"), 0.5);
  EXPECT_EQ(summary.number(1, "mm_per_px"), 0.1);
  EXPECT_NEAR(summary.number(0, "length_mm"), summary.number(0, "length_px") * 0.5, 1e-3);
  EXPECT_EQ(summary.rows[0][summary.column("scale_source")], d + "scales.csv");
  EXPECT_EQ(summary.rows[2][summary.column("length_mm")], "") << "no scale, no millimetres";
  EXPECT_EQ(summary.rows[2][summary.column("scale_source")], "not in " + d + "scales.csv");
  EXPECT_GT(summary.number(2, "length_px"), 50) << "measured in pixels all the same";
  const auto cracks = read_csv(dir.path / "out/cracks.csv");
  ASSERT_EQ(cracks.rows.size(), 3u);
  EXPECT_EQ(cracks.rows[0][cracks.column("width_class_mm")], ">=2");   // 6 px x 0.5 = 3 mm
  EXPECT_EQ(cracks.rows[1][cracks.column("width_class_mm")], "<0.5");  // 3 px x 0.1 = 0.3 mm
  EXPECT_EQ(cracks.rows[2][cracks.column("width_class_mm")], "");

  std::ofstream(d + "bad.csv") << "photo,mm_per_px\nIMG_01,0.5\n\nIMG_02,-1\n";
  const auto bad = crackkd::test::run_cli("measure " + masks.string() + " --out " + d + "out2 --scale-file " + d + "bad.csv");
  EXPECT_NE(bad.code, 0);
  EXPECT_THAT(bad.out, HasSubstr("--scale-file " + d + "bad.csv:4: mm_per_px '-1' of IMG_02 is not a positive number"));
  std::ofstream(d + "semicolons.csv") << "photo;mm_per_px\nIMG_01;0.5\n";
  const auto semicolons = crackkd::test::run_cli("measure " + masks.string() + " --out " + d + "out3 --scale-file " + d +
                                                 "semicolons.csv");
  EXPECT_THAT(semicolons.out, HasSubstr("no column 'photo' (or 'image'); the header has 'photo;mm_per_px' (separate the "
                                        "columns with commas, not semicolons)"));
  std::ofstream(d + "twice.csv") << "image,mm_per_px\nIMG_01,0.5\nIMG_01.png,0.4\n";
  const auto twice = crackkd::test::run_cli("measure " + masks.string() + " --out " + d + "out4 --scale-file " + d + "twice.csv");
  EXPECT_THAT(twice.out, HasSubstr("twice.csv:3: IMG_01.png names a photo listed before (lines 2 and 3)"));
  const auto both = crackkd::test::run_cli("measure " + masks.string() + " --out " + d + "out5 --mm-per-px 0.2 --scale-file " + d +
                                           "scales.csv");
  EXPECT_EQ(both.code, 2);
  EXPECT_THAT(both.out, HasSubstr("--mm-per-px excludes --scale-file"));
  EXPECT_FALSE(fs::exists(dir.path / "out2/summary.csv")) << "nothing written before the scale file is read";
}

TEST_F(MeasureCommand, ReadsTheScaleOffAMarkerInEachMasksPhotoWithinTwoPercent) {
  // Photos of a wall with a 50 mm marker drawn 160 px wide (0.3125 mm per pixel) and a
  // crack 10 px wide (3.125 mm); the masks are named like their photos + "_mask".
  const double side_px = 160, mm_per_px = 50 / side_px;
  fs::create_directories(dir.path / "photos");
  cv::Mat marked = crackkd::test::wall({900, 600});
  crackkd::test::draw_marker(marked, 7, side_px, {600, 350});
  ASSERT_TRUE(cv::imwrite(d + "photos/marked.jpg", marked, {cv::IMWRITE_JPEG_QUALITY, 90}));
  ASSERT_TRUE(cv::imwrite(d + "photos/steep.jpg", crackkd::test::turned(marked, 40)));
  ASSERT_TRUE(cv::imwrite(d + "photos/plain.jpg", crackkd::test::wall({900, 600})));
  cv::Mat mask = cv::Mat::zeros(600, 900, CV_8U);
  mask(cv::Rect(100, 200, 400, 10)).setTo(255);
  for (const std::string name : {"steep", "plain"})
    ASSERT_TRUE(cv::imwrite((masks / (name + "_mask.png")).string(), mask));
  ASSERT_TRUE(cv::imwrite((masks / "orphan_mask.png").string(), mask));
  cv::Mat marker_marked = mask.clone();  // as a model may mark the marker's black square
  cv::rectangle(marker_marked, cv::Rect(600, 350, 160, 160), cv::Scalar(255), 8);
  ASSERT_TRUE(cv::imwrite((masks / "marked_mask.png").string(), marker_marked));
  ASSERT_TRUE(cv::imwrite(d + "photos/halved.jpg", marked));
  cv::Mat halved;
  cv::resize(mask, halved, {450, 300}, 0, 0, cv::INTER_NEAREST);
  ASSERT_TRUE(cv::imwrite((masks / "halved_mask.png").string(), halved));
  const auto r = crackkd::test::run_cli("measure " + masks.string() + " --out " + d + "out --marker-mm 50 --photos " + d +
                                        "photos --mask-suffix _mask");
  EXPECT_EQ(r.code, 1) << r.out;
  const auto summary = read_csv(dir.path / "out/summary.csv");
  ASSERT_EQ(summary.rows.size(), 5u);
  std::map<std::string, std::size_t> row;
  for (std::size_t i = 0; i < summary.rows.size(); ++i) row[fs::path(summary.rows[i][0]).stem().string()] = i;
  const std::size_t m = row.at("marked_mask");
  EXPECT_NEAR(summary.number(m, "mm_per_px") / mm_per_px, 1.0, 0.02);
  EXPECT_NEAR(summary.number(m, "max_width_mm") / (10 * mm_per_px), 1.0, 0.05);
  EXPECT_EQ(summary.rows[m][summary.column("scale_source")], "marker 4X4_50 id 7, side 50 mm");
  EXPECT_LT(summary.number(m, "scale_spread"), 0.01);
  EXPECT_EQ(summary.number(m, "cracks"), 1) << "the marker's square is no crack";
  EXPECT_EQ(summary.number(m, "crack_area_px"), 4000);
  EXPECT_EQ(summary.rows[row.at("halved_mask")][summary.column("scale_source")],
            "its photo is 900x600, the mask 450x300: the marker's scale is the photo's");
  const std::size_t s = row.at("steep_mask");
  EXPECT_EQ(summary.rows[s][summary.column("mm_per_px")], "");
  EXPECT_THAT(summary.rows[s][summary.column("scale_source")], HasSubstr("far from fronto-parallel, scale not used"));
  EXPECT_GT(summary.number(s, "scale_spread"), 0.03);
  EXPECT_EQ(summary.rows[row.at("plain_mask")][summary.column("scale_source")], "no 4X4_50 marker found");
  EXPECT_THAT(summary.rows[row.at("orphan_mask")][summary.column("scale_source")], HasSubstr("photo was not found"));
  EXPECT_THAT(r.out, HasSubstr("error: 4 photos have no scale, measured in pixels only:"));
  EXPECT_THAT(r.out, HasSubstr("plain_mask.png (no 4X4_50 marker found)"));

  const auto no_photos = crackkd::test::run_cli("measure " + masks.string() + " --out " + d + "out2 --marker-mm 50");
  EXPECT_NE(no_photos.code, 0);
  EXPECT_THAT(no_photos.out, HasSubstr("--marker-mm reads the marker off the photos: give their folder with --photos"));
  const auto bad_dictionary = crackkd::test::run_cli("measure " + masks.string() + " --out " + d + "out3 --marker-mm 50 "
                                                     "--marker-dictionary 4x4 --photos " + d + "photos");
  EXPECT_EQ(bad_dictionary.code, 2);
  EXPECT_THAT(bad_dictionary.out, HasSubstr("--marker-dictionary"));
}

}  // namespace
