// `crackkd infer --reference MASKS` through the binary: the photos scored against their
// masks (paired by name, read in their own convention) with the evaluate stage's measures,
// figures that agree with the masks infer writes; photos without a mask, masks of another
// size and the flags without --reference are one clear line each.

#include "checkpoints/checkpoint.hpp"
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

class InferReference : public ::testing::Test {
 protected:
  void SetUp() override {
    auto host = crackkd::test::make_host();
    const auto config = crackkd::test::component("tiny_unet", "channels = [4, 8, 8, 8]");
    crackkd::checkpoints::save_checkpoint(checkpoint_, *host->create<crackkd::SegmentationModel>("model", config), config, 1);
    fs::create_directories(dir_.path / "photos");
    fs::create_directories(dir_.path / "masks");
    add("wall_a", 100, 70);
    add("wall_b", 120, 90);
    // A mask without its photo: a reference folder may hold more than is segmented.
    write_mask("other_mask.png", cv::Mat::zeros(10, 10, CV_8U));
  }

  /// A photo with a dark stroke and its mask, saved 0/1 (mmsegmentation's convention: a
  /// reader thresholding at 128 would see no crack at all).
  void add(const std::string& name, int width, int height) {
    cv::Mat image(height, width, CV_8UC3, cv::Scalar(150, 160, 170)), mask = cv::Mat::zeros(height, width, CV_8U);
    cv::line(image, {5, height / 2}, {width - 5, height / 3}, cv::Scalar(30, 30, 30), 3);
    cv::line(mask, {5, height / 2}, {width - 5, height / 3}, cv::Scalar(1), 3);
    ASSERT_TRUE(cv::imwrite((dir_.path / "photos" / (name + ".png")).string(), image));
    write_mask(name + "_mask.png", mask);
  }
  void write_mask(const std::string& file, const cv::Mat& mask) {
    ASSERT_TRUE(cv::imwrite((dir_.path / "masks" / file).string(), mask));
  }

  crackkd::test::CliResult infer(const std::string& more) {
    return crackkd::test::run_cli("infer --checkpoint " + checkpoint_.string() + " " + (dir_.path / "photos").string() +
                                  " --out " + out_.string() + " --device cpu --threshold 0.5 " + more);
  }

  /// Dice of the mask infer wrote for `name` against its reference, worked out here.
  double dice_of_written_mask(const std::string& name) const {
    const cv::Mat predicted = cv::imread((out_ / (name + "_mask.png")).string(), cv::IMREAD_GRAYSCALE) > 127;
    const cv::Mat truth = cv::imread((dir_.path / "masks" / (name + "_mask.png")).string(), cv::IMREAD_GRAYSCALE) > 0;
    const double both = cv::countNonZero(predicted & truth), sum = cv::countNonZero(predicted) + cv::countNonZero(truth);
    return sum == 0 ? 1.0 : 2 * both / sum;
  }

  crackkd::test::TempDir dir_;
  fs::path checkpoint_ = dir_.path / "tiny.pt", out_ = dir_.path / "out";
};

}  // namespace

TEST_F(InferReference, ScoresThePhotosAgainstTheirMasksAsTheWrittenMasksSay) {
  const auto r = infer("--reference " + (dir_.path / "masks").string() + " --mask-suffix _mask --bootstrap 200");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("are 0/1: crack = 1"));
  EXPECT_THAT(r.out, HasSubstr("against the masks of " + (dir_.path / "masks").string() + " (2 photos): mDS"));
  const auto per_image = crackkd::report::read_csv(out_ / "per_image.csv");
  ASSERT_EQ(per_image.rows.size(), 2u);
  double sum = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string name = i == 0 ? "wall_a" : "wall_b";
    EXPECT_THAT(per_image.rows[i][per_image.column("image")], HasSubstr(name + ".png"));
    EXPECT_NEAR(per_image.number(i, "dice"), dice_of_written_mask(name), 1e-6) << name;
    EXPECT_GE(per_image.number(i, "F1_tol"), per_image.number(i, "F1") - 1e-9) << "a tolerance only forgives";
    for (const char* column : {"clDice", "clIoU", "BF"}) EXPECT_TRUE(per_image.has_column(column)) << column;
    sum += per_image.number(i, "dice");
  }
  const auto scores = crackkd::report::read_csv(out_ / "scores.csv");
  ASSERT_EQ(scores.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(scores.number(0, "images"), 2);
  EXPECT_NEAR(scores.number(0, "mDS"), sum / 2, 1e-6);
  EXPECT_DOUBLE_EQ(scores.number(0, "threshold"), 0.5);
  EXPECT_EQ(scores.rows[0][scores.column("threshold_from")], "--threshold");
  EXPECT_EQ(scores.rows[0][scores.column("tolerance")], "2 px");
  EXPECT_LE(scores.number(0, "mDS_low"), scores.number(0, "mDS"));
  EXPECT_GE(scores.number(0, "mDS_high"), scores.number(0, "mDS"));
  // summary.csv keeps its columns.
  EXPECT_FALSE(crackkd::report::read_csv(out_ / "summary.csv").has_column("dice"));

  // At τ = 0 the tolerance figures are the exact ones.
  const auto exact = infer("--reference " + (dir_.path / "masks").string() + " --mask-suffix _mask --tolerance 0");
  ASSERT_EQ(exact.code, 0) << exact.out;
  const auto zero = crackkd::report::read_csv(out_ / "per_image.csv");
  for (std::size_t i = 0; i < 2; ++i) EXPECT_DOUBLE_EQ(zero.number(i, "F1_tol"), zero.number(i, "F1"));
}

TEST_F(InferReference, APhotoWithoutItsMaskIsNamedBeforeTheModelRuns) {
  const auto r = infer("--reference " + (dir_.path / "masks").string());
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("error: infer --reference: no mask for "));
  EXPECT_THAT(r.out, HasSubstr("wall_a.png"));
  EXPECT_THAT(r.out, HasSubstr("set --mask-suffix \"_mask\""));
  EXPECT_FALSE(fs::exists(out_ / "wall_a_mask.png")) << "checked before anything is segmented";
}

TEST_F(InferReference, AMaskOfAnotherSizeIsNamedWithBothSizes) {
  write_mask("wall_b_mask.png", cv::Mat::zeros(90, 119, CV_8U));
  const auto r = infer("--reference " + (dir_.path / "masks").string() + " --mask-suffix _mask");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("wall_b_mask.png is 119x90 but photo "));
  EXPECT_THAT(r.out, HasSubstr("wall_b.png is 120x90 (width x height)"));
}

TEST_F(InferReference, ItsOptionsNeedAReferenceAndAFolder) {
  const auto r = infer("--mask-suffix _mask");
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("--mask-suffix requires --reference"));
  const auto file = infer("--reference " + checkpoint_.string());
  EXPECT_EQ(file.code, 1) << file.out;
  EXPECT_THAT(file.out, HasSubstr("infer --reference: " + checkpoint_.string() + " is not a folder of masks"));
}
