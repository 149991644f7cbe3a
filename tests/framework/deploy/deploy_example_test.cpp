// The deployment example (sdk/examples/deploy) on photos: its C++ program (LibTorch and
// OpenCV) on the TorchScript export and its Node.js script (ONNX Runtime) on the ONNX
// export give the masks `crackkd infer` gives with the checkpoint, and a photo larger than
// the exported size is tiled by the same contract through every path (inference/
// tiled_prediction.hpp); both read JPEG photos as well as PNG.

#include "checkpoints/checkpoint.hpp"
#include "deploy_files.hpp"
#include "framework/app/cli_runner.hpp"
#include "mask_images.hpp"

#include <crackkd/dataset.hpp>

#include <gmock/gmock.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace crackkd;
namespace fs = std::filesystem;

namespace {

/// A synthetic wall photo of `rows` x `cols` as an 8-bit RGB tensor, written to `file` as PNG.
at::Tensor write_wall(const fs::path& file, host::PluginHost& host, std::int64_t rows, std::int64_t cols) {
  auto walls = host.create<Dataset>("dataset", test::component("synthetic_cracks", "count = 1\nsize = 160\nseed = 9"));
  const auto rgb = walls->get(0).image.slice(1, 0, rows).slice(2, 0, cols).mul(255).round().to(torch::kByte);
  const auto hwc = rgb.permute({1, 2, 0}).contiguous();
  cv::Mat bgr;
  cv::cvtColor(cv::Mat(static_cast<int>(rows), static_cast<int>(cols), CV_8UC3, hwc.data_ptr()), bgr, cv::COLOR_RGB2BGR);
  cv::imwrite(file.string(), bgr);
  return rgb.to(torch::kFloat).div(255).unsqueeze(0);
}

TEST(DeployExample, SegmentsPhotosLikeCrackKDInferInCppAndNode) {
  test::TempDir dir;
  auto host = test::make_host();
  const auto config = test::component("pct");
  torch::manual_seed(5);
  auto model = host->create<SegmentationModel>("model", config);
  model->eval();
  const auto photo = write_wall(dir.path / "wall.png", *host, 64, 96);
  // The median probability as threshold: about half the pixels on each side of it.
  torch::NoGradGuard no_grad;
  const double threshold = model->forward(photo).logits.sigmoid().median().item<double>();
  const std::string t = " --threshold " + std::to_string(threshold);
  checkpoints::save_checkpoint(dir.path / "model.pt", *model, config, 1);
  const auto d = dir.path.string() + "/";
  // The tiling contract: tiles of 64x96 overlapping by 32, recorded in the exports; infer
  // given the checkpoint is told the same.
  for (const std::string out : {"model.ts", "model.onnx"})
    ASSERT_EQ(test::run_cli("export " + d + "model.pt --size 64 96 --overlap 32 --out " + d + out + t).code, 0) << out;
  const std::string contract = " --tile 64 96 --overlap 32";
  const auto infer = test::run_cli("infer --checkpoint " + d + "model.pt " + d + "wall.png --out " + d + "infer" + t + contract);
  ASSERT_EQ(infer.code, 0) << infer.out;
  const auto cpp = test::run_shell(test::segment_cracks().string() + " " + d + "model.ts " + d + "wall.png " + d + "cpp.png");
  ASSERT_EQ(cpp.code, 0) << cpp.out;
  const auto node = test::run_shell(test::node_command() + " " + (test::source_dir() / "sdk/examples/deploy/segment_cracks.js").string() +
                                    " " + d + "model.onnx " + d + "wall.png " + d + "node.png");
  ASSERT_EQ(node.code, 0) << node.out;
  const cv::Mat mask = cv::imread(d + "infer/wall_mask.png", cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(mask.empty());
  EXPECT_NEAR(cv::countNonZero(mask) / static_cast<double>(mask.total()), 0.5, 0.05);  // not a trivial mask
  EXPECT_LE(test::differing_share(d + "infer/wall_mask.png", d + "cpp.png"), 0.001);
  EXPECT_LE(test::differing_share(d + "infer/wall_mask.png", d + "node.png"), 0.001);

  // A photo larger than the exported size, of sides no multiple of it: overlapping tiles,
  // blended, through every path: infer with the checkpoint and with the export, C++, Node.
  write_wall(dir.path / "large.png", *host, 100, 150);
  ASSERT_EQ(test::run_cli("infer --checkpoint " + d + "model.pt " + d + "large.png --out " + d + "infer_large" + t + contract)
                .code,
            0);
  const auto exported = test::run_cli("infer --model " + d + "model.ts " + d + "large.png --out " + d + "infer_export");
  ASSERT_EQ(exported.code, 0) << exported.out;
  EXPECT_THAT(exported.out, testing::HasSubstr("tiles 96x64 px overlapping 32 px (the export's)"));
  ASSERT_EQ(test::run_shell(test::segment_cracks().string() + " " + d + "model.ts " + d + "large.png " + d + "cpp_large.png " +
                            d + "cpp_large.f32")
                .code,
            0);
  ASSERT_EQ(test::run_shell(test::node_command() + " " + (test::source_dir() / "sdk/examples/deploy/segment_cracks.js").string() +
                            " " + d + "model.onnx " + d + "large.png " + d + "node_large.png " + d + "node_large.f32")
                .code,
            0);
  EXPECT_EQ(cv::imread(d + "cpp_large.png", cv::IMREAD_GRAYSCALE).size(), cv::Size(150, 100));
  for (const std::string other : {"infer_export/large_mask.png", "cpp_large.png", "node_large.png"})
    EXPECT_LE(test::differing_share(d + "infer_large/large_mask.png", d + other), 0.001) << other;
  const auto cpp_p = test::read_floats(dir.path / "cpp_large.f32", {100, 150});
  const auto node_p = test::read_floats(dir.path / "node_large.f32", {100, 150});
  ASSERT_TRUE(cpp_p.defined() && node_p.defined()) << "a probability file of 100x150 floats each";
  EXPECT_LE((cpp_p - node_p).abs().max().item<double>(), 1e-3);
  const cv::Mat infer_p = cv::imread(d + "infer_large/large_probability.png", cv::IMREAD_GRAYSCALE);
  const auto infer_t = torch::from_blob(infer_p.data, {100, 150}, torch::kByte).to(torch::kFloat).div(255);
  EXPECT_LE((infer_t - cpp_p).abs().max().item<double>(), 0.5 / 255 + 1e-3) << "infer's map, stored in 8 bits";

  // The same photo as a JPEG: both examples read it, through libjpeg-turbo's decoder
  // (OpenCV's; mozjpeg's WebAssembly build in Node), so they see the same pixels. With
  // jpeg-js in Node, 77 % of the channel values differed by up to 10 levels and ~1 % of
  // the pixels flipped.
  ASSERT_TRUE(cv::imwrite(d + "wall.jpg", cv::imread(d + "wall.png"), {cv::IMWRITE_JPEG_QUALITY, 95}));
  ASSERT_EQ(test::run_cli("infer --checkpoint " + d + "model.pt " + d + "wall.jpg --out " + d + "infer_jpeg" + t + contract).code,
            0);
  ASSERT_EQ(test::run_shell(test::segment_cracks().string() + " " + d + "model.ts " + d + "wall.jpg " + d + "cpp_jpeg.png").code, 0);
  const auto node_jpeg = test::run_shell(test::node_command() + " " +
                                         (test::source_dir() / "sdk/examples/deploy/segment_cracks.js").string() + " " + d +
                                         "model.onnx " + d + "wall.jpg " + d + "node_jpeg.png");
  ASSERT_EQ(node_jpeg.code, 0) << node_jpeg.out;
  EXPECT_LE(test::differing_share(d + "infer_jpeg/wall_mask.png", d + "cpp_jpeg.png"), 0.001);
  EXPECT_LE(test::differing_share(d + "cpp_jpeg.png", d + "node_jpeg.png"), 0.001);
}

}  // namespace
