// dataset.folder pairs images with masks by name (sdk: crackkd/file_pairing.hpp):
// a mask suffix, any extension pair, and one error listing everything that does not pair.

#include "folder_fixture.hpp"

#include <gmock/gmock.h>

using namespace crackkd;
using ::testing::HasSubstr;

namespace {

class NamePairing : public test::FolderFixture {
 protected:
  const cv::Mat image_ = cv::Mat(8, 8, CV_8UC3, cv::Scalar(1, 2, 3));
  const cv::Mat mask_ = cv::Mat(8, 8, CV_8UC1, cv::Scalar(255));
};

}  // namespace

TEST_F(NamePairing, ASuffixPairsNamesWhateverTheExtensions) {
  const auto root = dir_.path;
  write(root, "wall_a.jpg", image_, "wall_a_GT.bmp", mask_);
  write(root, "wall_b.png", image_, "wall_b_GT.png", mask_);
  const auto ds = open_folder(root, "mask_suffix = \"_GT\"");
  ASSERT_EQ(ds->size(), 2u);
  EXPECT_THAT(ds->get(0).id, HasSubstr("wall_a.jpg"));
  EXPECT_EQ(ds->get(0).mask.min().item<float>(), 1.0f);
  // Without the suffix the error says which one the names suggest.
  EXPECT_THAT(test::error_of([&] { open_folder(root); }), HasSubstr("set mask_suffix = \"_GT\""));
}

TEST_F(NamePairing, EverythingUnpairedIsListedInOneError) {
  const auto root = dir_.path;
  for (int i = 0; i < 8; ++i) write(root, "img" + std::to_string(i) + ".png", image_, "dummy.png", mask_);
  std::filesystem::rename(root / "masks" / "dummy.png", root / "masks" / "stray.png");
  write(root, "kept.png", image_, "kept.png", mask_);
  const auto message = test::error_of([&] { open_folder(root); });
  EXPECT_THAT(message, HasSubstr("no mask for " + (root / "images" / "img0.png").string() + ", "));
  EXPECT_THAT(message, HasSubstr((root / "images" / "img4.png").string() + " and 3 more images in " +
                                 (root / "masks").string()));
  EXPECT_THAT(message, HasSubstr("no image for " + (root / "masks" / "stray.png").string()));
  EXPECT_EQ(message.find("kept.png"), std::string::npos) << message;
}

TEST_F(NamePairing, TwoImagesOfOneNameAreNamed) {
  const auto root = dir_.path;
  write(root, "a.png", image_, "a.png", mask_);
  cv::imwrite((root / "images" / "a.jpg").string(), image_);
  EXPECT_THAT(test::error_of([&] { open_folder(root); }),
              HasSubstr("two files share one name: " + (root / "images" / "a.png").string()));
}
