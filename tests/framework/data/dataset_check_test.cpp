// What `crackkd check` reports on folders with planted problems (framework/data/
// dataset_check.hpp): a corrupt image, a mask of another size and an image in two splits
// are each named, and the figures count only what could be read.

#include "data/dataset_check.hpp"
#include "plugins/datasets/folder_fixture.hpp"

#include <gmock/gmock.h>

using namespace crackkd;
using ::testing::HasSubstr;

namespace {

class DatasetCheck : public test::FolderFixture {
 protected:
  void SetUp() override {
    cv::RNG rng(3);
    for (const char* name : {"a", "b", "c", "d"}) {
      cv::Mat image(16, 24, CV_8UC3), mask = cv::Mat::zeros(16, 24, CV_8UC1);
      rng.fill(image, cv::RNG::UNIFORM, 0, 256);
      mask.rowRange(0, 4).setTo(255);  // a quarter of the pixels
      write(dir_.path / "train", std::string(name) + ".png", image, std::string(name) + ".png", mask);
      if (std::string(name) == "d") write(dir_.path / "val", "d_again.png", image, "d_again.png", mask);
    }
    dir_.write("train/images/b.png", "not a png");                                          // corrupt
    cv::imwrite((dir_.path / "train" / "masks" / "c.png").string(), cv::Mat::zeros(8, 8, CV_8UC1));  // other size
  }
  data::DatasetCheck check(const std::string& name, std::map<std::string, std::string>& seen) {
    const auto dataset = open_folder(dir_.path / name, "cache = false");
    return data::check_dataset(name, "folder", *dataset, seen);
  }
};

}  // namespace

TEST_F(DatasetCheck, NamesEachPlantedProblemAndCountsWhatItRead) {
  std::map<std::string, std::string> seen;
  const auto train = check("train", seen), val = check("val", seen);
  EXPECT_EQ(train.samples, 4u);
  EXPECT_EQ(train.read, 2u);  // a and d
  EXPECT_EQ(train.min_height, 16);
  EXPECT_EQ(train.max_width, 24);
  EXPECT_EQ(train.channels, (std::vector<std::int64_t>{3}));
  EXPECT_NEAR(train.crack_share, 4.0 / 16.0, 1e-9);
  EXPECT_EQ(train.empty_masks, 0u);
  EXPECT_EQ(train.masks, "0/255: crack = value >= 128");  // the folder's convention, from the dataset
  ASSERT_EQ(train.problems.size(), 2u);
  EXPECT_THAT(train.problems[0], HasSubstr("cannot read image " + (dir_.path / "train" / "images" / "b.png").string()));
  EXPECT_THAT(train.problems[1], HasSubstr("does not match image 24x16 (width x height)"));
  ASSERT_EQ(val.problems.size(), 1u);
  EXPECT_THAT(val.problems[0], HasSubstr("d_again.png is the same image as train: " +
                                         (dir_.path / "train" / "images" / "d.png").string()));

  const auto table = data::check_table({train, val});
  EXPECT_THAT(table, HasSubstr("| train | folder | 4 | 2 | 24x16 | 3 | 0/255: crack = value >= 128 | 25.00 % | 0 | 2 |"));
  EXPECT_THAT(table, HasSubstr("\ntrain: 2 problems\n  "));
  const auto json = data::check_json({train, val});
  EXPECT_THAT(json, HasSubstr("{\"dataset\": \"train\", \"plugin\": \"folder\", \"masks\": \"0/255: crack = value >= 128\", "
                              "\"images\": 4, \"read\": 2, "
                              "\"height\": [16, 16], \"width\": [24, 24], \"channels\": [3], \"crack_share\": 0.25"));
}
