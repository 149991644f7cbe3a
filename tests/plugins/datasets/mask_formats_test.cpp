// dataset.folder reads masks as crack data sets ship them (sdk: crackkd/
// mask_convention.hpp): one crack pattern saved as 0/255, 0/1, 0/k, 16-bit, palette and
// colour masks gives the same sample tensors, and the log says what was found.

#include "folder_fixture.hpp"

#include <gmock/gmock.h>

#include <cstdlib>

using namespace crackkd;
using ::testing::HasSubstr;

namespace {

constexpr int kSide = 24;

class MaskFormats : public test::FolderFixture {
 protected:
  void SetUp() override {
    cv::RNG rng(5);
    for (int i = 0; i < 2; ++i) {
      cv::Mat image(kSide, kSide, CV_8UC3), pattern(kSide, kSide, CV_8UC1);
      rng.fill(image, cv::RNG::UNIFORM, 0, 256);
      rng.fill(pattern, cv::RNG::UNIFORM, 0, 2);  // 0/1 crack pattern
      images_.push_back(image);
      patterns_.push_back(pattern);
    }
    write_set("reference", [](const cv::Mat& p) { return cv::Mat(p * 255); });
    reference_ = open_folder(dir_.path / "reference");
  }

  /// A data set of the two images with their patterns written by `encode`.
  template <class Encode> std::filesystem::path write_set(const std::string& name, Encode encode) {
    const auto root = dir_.path / name;
    for (std::size_t i = 0; i < images_.size(); ++i) {
      const std::string file = std::to_string(i) + ".png";
      write(root, file, images_[i], file, encode(patterns_[i]));
    }
    return root;
  }

  /// Opens `root` and expects the reference's samples; returns what the dataset logged.
  std::string expect_reference_samples(const std::filesystem::path& root, const std::string& options = "") {
    ::testing::internal::CaptureStderr();
    const auto ds = open_folder(root, options);
    const std::string said = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(ds->size(), reference_->size());
    for (std::size_t i = 0; i < ds->size(); ++i) {
      EXPECT_TRUE(ds->get(i).mask.equal(reference_->get(i).mask)) << root << " sample " << i;
      EXPECT_TRUE(ds->get(i).image.equal(reference_->get(i).image)) << root << " sample " << i;
    }
    return said;
  }

  /// A colour mask: `crack` where the pattern is 1, `other` elsewhere (BGR as OpenCV writes).
  static cv::Mat coloured(const cv::Mat& pattern, const cv::Scalar& crack, const cv::Scalar& other) {
    cv::Mat out(pattern.size(), CV_8UC3, other);
    out.setTo(crack, pattern);
    return out;
  }

  std::vector<cv::Mat> images_, patterns_;
  std::shared_ptr<Dataset> reference_;
};

}  // namespace

TEST_F(MaskFormats, EightBitConventionsGiveTheSameSamples) {
  EXPECT_THAT(expect_reference_samples(dir_.path / "reference"), HasSubstr("are 0/255: crack = value >= 128"));
  EXPECT_THAT(expect_reference_samples(write_set("ones", [](const cv::Mat& p) { return p.clone(); })),
              HasSubstr("are 0/1: crack = 1"));
  EXPECT_THAT(expect_reference_samples(write_set("labels", [](const cv::Mat& p) { return cv::Mat(p * 38); })),
              HasSubstr("are 0/38: crack = any value above 0"));
}

TEST_F(MaskFormats, SixteenBitMasksGiveTheSameSamples) {
  const auto sixteen = [](double scale) {
    return [scale](const cv::Mat& p) {
      cv::Mat out;
      p.convertTo(out, CV_16U, scale);
      return out;
    };
  };
  EXPECT_THAT(expect_reference_samples(write_set("full16", sixteen(65535))),
              HasSubstr("are 16-bit 0/65535: crack = value >= 32768"));
  EXPECT_THAT(expect_reference_samples(write_set("ones16", sixteen(1))), HasSubstr("are 16-bit 0/1: crack = 1"));
}

TEST_F(MaskFormats, PaletteAndColourMasksGiveTheSameSamples) {
  // A palette PNG (index 1 = dark red, as VOC's palette has it), written by PIL.
  const auto palette = write_set("palette", [](const cv::Mat& p) { return cv::Mat(p * 255); });
  for (const char* file : {"0.png", "1.png"}) {
    const auto mask = (palette / "masks" / file).string();
    const std::string command = "/usr/bin/python3 -c \"import sys; from PIL import Image; g = Image.open(sys.argv[1]); "
                                "p = Image.new('P', g.size); p.putpalette([0, 0, 0, 128, 0, 0]); "
                                "p.putdata([1 if v else 0 for v in g.getdata()]); p.save(sys.argv[1])\" " + mask;
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  EXPECT_THAT(expect_reference_samples(palette), HasSubstr("are colour: crack = brightest channel >= "));
  const auto red = write_set("red", [](const cv::Mat& p) { return coloured(p, {0, 0, 255}, {0, 0, 0}); });
  EXPECT_THAT(expect_reference_samples(red), HasSubstr("are colour: crack = brightest channel >= "));
  // Red crack on a green background: only the chosen colour is crack.
  const auto two = write_set("two_colours", [](const cv::Mat& p) { return coloured(p, {0, 0, 255}, {0, 200, 0}); });
  EXPECT_THAT(expect_reference_samples(two, "mask_color = [255, 0, 0]"), HasSubstr("(mask_color)"));
}

TEST_F(MaskFormats, AMaskDrawnInItsAlphaChannelIsReadFromIt) {
  // White everywhere, the crack opaque, the rest transparent (an editor's layer export).
  const auto alpha = write_set("alpha", [](const cv::Mat& p) {
    cv::Mat white(p.size(), CV_8UC3, cv::Scalar(255, 255, 255)), out;
    cv::merge(std::vector<cv::Mat>{white, cv::Mat(p * 255)}, out);
    return out;
  });
  EXPECT_THAT(expect_reference_samples(alpha), HasSubstr("in the alpha channel"));
}

TEST_F(MaskFormats, AThresholdOrConventionSetByHandIsUsed) {
  const auto labels = write_set("labels", [](const cv::Mat& p) { return cv::Mat(p * 38); });
  EXPECT_THAT(expect_reference_samples(labels, "mask_threshold = 30"),
              HasSubstr("are read as set: crack = value >= 30 (mask_threshold)"));
  const auto all_background = open_folder(labels, "mask_values = \"0/255\"");  // 38 < 128: no crack
  EXPECT_EQ(all_background->get(0).mask.sum().item<float>(), 0.0f);
}

TEST_F(MaskFormats, ConflictingMaskOptionsAreRefused) {
  const auto root = dir_.path / "reference";
  EXPECT_THAT(test::error_of([&] { open_folder(root, "mask_values = \"0/1\"\nmask_threshold = 3"); }),
              HasSubstr("mask_values, mask_threshold and mask_color each say what crack is: set one of them"));
  EXPECT_THAT(test::error_of([&] { open_folder(root, "mask_color = [255, 0]"); }),
              HasSubstr("mask_color takes [r, g, b], not 2 values"));
  EXPECT_THAT(test::error_of([&] { open_folder(root, "mask_color = [300, 0, 0]"); }), HasSubstr("mask_color"));
}

TEST_F(MaskFormats, MasksOfTwoKindsAreRefusedNamingOneOfEach) {
  const auto root = write_set("mixed", [](const cv::Mat& p) { return p.clone(); });
  cv::imwrite((root / "masks" / "1.png").string(), cv::Mat(patterns_[1] * 255));
  const auto message = test::error_of([&] { open_folder(root); });
  EXPECT_THAT(message, HasSubstr("mix 0/1 (" + (root / "masks" / "0.png").string() + ") and 0/255 (" +
                                 (root / "masks" / "1.png").string() + "); set mask_values or mask_threshold"));
}

TEST_F(MaskFormats, ADataSetWithoutACrackPixelIsAWarningNamingIt) {
  const auto root = write_set("empty", [](const cv::Mat& p) { return cv::Mat(cv::Mat::zeros(p.size(), CV_8UC1)); });
  ::testing::internal::CaptureStderr();
  open_folder(root);
  EXPECT_THAT(::testing::internal::GetCapturedStderr(),
              HasSubstr("warning: all 2 masks of " + (root / "masks").string() + " are empty (no crack pixel)"));
}
