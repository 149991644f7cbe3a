// `crackkd export` through the real binary, each export checked by a runtime that is not
// CrackKD: TorchScript by Python's PyTorch and by a program linking LibTorch alone (eager
// and frozen), ONNX by ONNX Runtime. Every model plugin, at a non-square size and batch 2,
// on a random image and a synthetic crack photo; refusals leave no file behind.

#include "checkpoints/checkpoint.hpp"
#include "deploy_files.hpp"
#include "framework/app/cli_runner.hpp"
#include "inference/chosen_threshold.hpp"

#include <crackkd/dataset.hpp>

#include <gmock/gmock.h>
#include <opencv2/dnn.hpp>
#include <torch/script.h>

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

using namespace crackkd;
using testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

struct ModelCase {
  std::string plugin;
  std::string options;
};

void PrintTo(const ModelCase& c, std::ostream* out) { *out << "model." << c.plugin; }

/// Two 64x96 images: uniform noise, and a synthetic wall with a crack.
at::Tensor test_images(host::PluginHost& host) {
  auto walls = host.create<Dataset>("dataset", test::component("synthetic_cracks", "count = 1\nsize = 96\nseed = 5"));
  const auto wall = walls->get(0).image.slice(1, 0, 64).unsqueeze(0);
  return torch::cat({torch::rand({1, 3, 64, 96}), wall}, 0).contiguous();
}

class ExportedModel : public testing::TestWithParam<ModelCase> {};

TEST_P(ExportedModel, GivesCrackKDsLogitsInPythonLibTorchAndOnnxRuntime) {
  test::TempDir dir;
  auto host = test::make_host();
  const auto config = test::component(GetParam().plugin, GetParam().options);
  torch::manual_seed(11);
  auto model = host->create<SegmentationModel>("model", config);
  checkpoints::save_checkpoint(dir.path / "model.pt", *model, config, 3, "walls/student", 0.4);
  model->eval();
  const auto images = test_images(*host);
  torch::NoGradGuard no_grad;
  const auto expected = model->forward(images).logits;
  test::write_floats(dir.path / "images.f32", images);
  const std::string size = " --size 64 96 --batch 2";
  for (const std::string file : {"model.ts", "model.onnx"}) {
    const auto exported = test::run_cli("export " + (dir.path / "model.pt").string() + " --out " + (dir.path / file).string() + size);
    ASSERT_EQ(exported.code, 0) << exported.out;
    EXPECT_THAT(exported.out, HasSubstr("model." + GetParam().plugin + " -> "));
  }
  const std::string args = " " + (dir.path / "images.f32").string() + " 2 3 64 96 ";
  const auto python = test::run_shell(test::torch_python() + " " + test::deploy_helper("run_torchscript.py").string() + " " +
                                      (dir.path / "model.ts").string() + args + (dir.path / "python.f32").string());
  ASSERT_EQ(python.code, 0) << python.out;
  EXPECT_THAT(python.out, HasSubstr("model." + GetParam().plugin + " input [2, 3, 64, 96] threshold 0.4"));
  const double python_difference = test::max_difference(expected, dir.path / "python.f32");
  EXPECT_LE(python_difference, 1e-5 * test::scale_of(expected));
  const auto sci = [](double v) {
    std::ostringstream s;
    s << std::setprecision(2) << std::scientific << v;
    return s.str();
  };
  std::string differences = "python " + sci(python_difference);
  for (const std::string engine : {"eager", "frozen"}) {
    const auto out = dir.path / (engine + ".f32");
    const auto libtorch = test::run_shell(test::torchscript_runner().string() + " " + (dir.path / "model.ts").string() + args +
                                          out.string() + " " + engine);
    ASSERT_EQ(libtorch.code, 0) << libtorch.out;
    const double difference = test::max_difference(expected, out);
    EXPECT_LE(difference, (engine == "eager" ? 1e-5 : 1e-4) * test::scale_of(expected)) << engine;
    differences += ", libtorch " + engine + " " + sci(difference);
  }
  const auto ort = test::run_shell(test::node_command() + " " + test::deploy_helper("run_onnx.js").string() + " " +
                                   (dir.path / "model.onnx").string() + args + (dir.path / "ort.f32").string());
  ASSERT_EQ(ort.code, 0) << ort.out;
  EXPECT_THAT(ort.out, HasSubstr("inputs images outputs logits"));
  const double ort_difference = test::max_difference(expected, dir.path / "ort.f32");
  EXPECT_LE(ort_difference, 1e-4 * test::scale_of(expected));
  // The figures, for whoever reads the log: max |logit difference| per runtime, and the logits' size.
  std::cout << "model." << GetParam().plugin << " max |difference|: " << differences << ", onnxruntime " << ort_difference
            << " (logits up to " << expected.abs().max().item<double>() << ")" << std::endl;
}

// The seven models a pipeline can train, and the SDK's example as a third party's model.
// PoolingCrack at the quickstart's reduced widths: the same code, a tenth of the weights.
INSTANTIATE_TEST_SUITE_P(
    EveryModelPlugin, ExportedModel,
    testing::Values(ModelCase{"pct", ""},
                    ModelCase{"poolingcrack", "channels = [32, 64, 160, 256]\ndepths = [2, 2, 4, 2]\ndecoder_width = 64"},
                    ModelCase{"unet_resnet18", ""}, ModelCase{"mobilenetv2", ""}, ModelCase{"mobileone", ""},
                    ModelCase{"mobilevit", ""}, ModelCase{"efficientnet_b0", ""},
                    ModelCase{"tiny_unet", "channels = [4, 8, 8, 8]"}),
    [](const testing::TestParamInfo<ModelCase>& info) { return info.param.plugin; });

/// A checkpoint of `plugin` in `dir`.
fs::path checkpoint_of(const test::TempDir& dir, const std::string& plugin, const std::string& options = "") {
  auto host = test::make_host({test::test_plugins("unexportable")});
  const auto config = test::component(plugin, options);
  auto model = host->create<SegmentationModel>("model", config);
  checkpoints::save_checkpoint(dir.path / "model.pt", *model, config, 1);
  return dir.path / "model.pt";
}

std::vector<std::string> files_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& f : fs::recursive_directory_iterator(folder)) names.push_back(f.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ExportCommand, CarriesTheThresholdChosenForTheCheckpointAndSaysWhere) {
  test::TempDir dir;
  const auto checkpoint = checkpoint_of(dir, "tiny_unet", "channels = [4, 8, 8, 8]");
  inference::write_chosen_threshold(checkpoint, 0.3, "the ODS threshold on val, evaluate stage e of pipeline p");
  const auto metadata_of = [&](const fs::path& file) {
    torch::jit::ExtraFilesMap extra{{"crackkd.json", ""}};
    torch::jit::load(file.string(), c10::kCPU, extra);
    return extra["crackkd.json"];
  };
  const auto chosen = test::run_cli("export " + checkpoint.string() + " --size 64 64 --out " + (dir.path / "a.ts").string());
  ASSERT_EQ(chosen.code, 0) << chosen.out;
  EXPECT_THAT(chosen.out, HasSubstr("threshold 0.3 (from the ODS threshold on val, evaluate stage e of pipeline p"));
  EXPECT_THAT(metadata_of(dir.path / "a.ts"), HasSubstr("\"threshold\": 0.3,"));
  EXPECT_THAT(metadata_of(dir.path / "a.ts"), HasSubstr("\"threshold_from\": \"the ODS threshold on val"));
  const auto given = test::run_cli("export " + checkpoint.string() + " --size 64 64 --threshold 0.45 --out " +
                                   (dir.path / "b.ts").string());
  ASSERT_EQ(given.code, 0) << given.out;
  EXPECT_THAT(metadata_of(dir.path / "b.ts"), HasSubstr("\"threshold_from\": \"--threshold\""));
}

// OpenCV's DNN module is the runtime many C++ users already have (Debian's 4.6 here). Its
// ONNX importer reads the PCT export up to the deformable alignment of the decoder
// (grid_sample, ONNX GridSample), for which it has no layer: docs/deployment.md says so,
// and this test fails the day an OpenCV that runs it is installed.
TEST(ExportCommand, OpenCvDnnReadsThePctExportUpToItsGridSample) {
  test::TempDir dir;
  auto host = test::make_host();
  const auto config = test::component("pct");
  torch::manual_seed(3);
  auto model = host->create<SegmentationModel>("model", config);
  {
    // Weights apart, as training leaves them: PyTorch's exporter shares initializers of
    // equal value (the untrained norms' ones) through Identity nodes, which OpenCV 4.6
    // cannot read either.
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.add_(torch::randn_like(p) * 1e-3);
  }
  checkpoints::save_checkpoint(dir.path / "pct.pt", *model, config, 1);
  const auto exported = test::run_cli("export " + (dir.path / "pct.pt").string() + " --out " +
                                      (dir.path / "pct.onnx").string() + " --size 64 64");
  ASSERT_EQ(exported.code, 0) << exported.out;
  std::string error;
  try {
    cv::dnn::readNetFromONNX((dir.path / "pct.onnx").string());
  } catch (const cv::Exception& e) {
    error = e.what();
  }
  EXPECT_THAT(error, HasSubstr("Can't create layer")) << "an OpenCV that reads it: update docs/deployment.md";
  EXPECT_THAT(error, HasSubstr("of type \"GridSample\""));
}

TEST(ExportCommand, RefusesAnOperatorWithoutOnnxMappingInOneLineAndLeavesNoFile) {
  test::TempDir dir;
  const auto checkpoint = checkpoint_of(dir, "erfcx_net");
  const std::string plugins = " --plugin-path " + test::test_plugins("unexportable").string();
  const auto refused = test::run_cli(plugins + " export " + checkpoint.string() + " --out " + (dir.path / "out/m.onnx").string() +
                                     " --size 32 32");
  EXPECT_EQ(refused.code, 1) << refused.out;
  EXPECT_THAT(refused.out, HasSubstr("error: model.erfcx_net cannot be exported to ONNX opset 16: operator "
                                     "aten::special_erfcx has no ONNX mapping"));
  EXPECT_THAT(files_in(dir.path), testing::ElementsAre("model.pt"));
  // Tracing itself records the operator: the TorchScript export works.
  const auto traced = test::run_cli(plugins + " export " + checkpoint.string() + " --out " + (dir.path / "m.ts").string() +
                                    " --size 32 32");
  EXPECT_EQ(traced.code, 0) << traced.out;
}

TEST(ExportCommand, RefusesDynamicShapesWhenTheGraphFixesSizesAndLeavesNoFile) {
  test::TempDir dir;
  const auto checkpoint = checkpoint_of(dir, "pct");
  for (const std::string file : {"m.ts", "m.onnx"}) {
    const auto refused = test::run_cli("export " + checkpoint.string() + " --out " + (dir.path / file).string() +
                                       " --size 64 64 --dynamic");
    EXPECT_EQ(refused.code, 1) << refused.out;
    EXPECT_THAT(refused.out, HasSubstr("error: model.pct cannot be exported with --dynamic: its traced graph fixes sizes "
                                       "computed from the input (first in aten::"));
  }
  EXPECT_THAT(files_in(dir.path), testing::ElementsAre("model.pt"));
}

TEST(ExportCommand, RefusesBadArgumentsWithExitTwo) {
  test::TempDir dir;
  const auto checkpoint = checkpoint_of(dir, "tiny_unet", "channels = [4, 8, 8, 8]");
  const auto odd = test::run_cli("export " + checkpoint.string() + " --out " + (dir.path / "m.ts").string() + " --size 64 90");
  EXPECT_EQ(odd.code, 2) << odd.out;
  EXPECT_THAT(odd.out, HasSubstr("--size 64 90: model.tiny_unet takes sides that are multiples of 32"));
  const auto unknown = test::run_cli("export " + checkpoint.string() + " --out " + (dir.path / "m.bin").string());
  EXPECT_EQ(unknown.code, 2) << unknown.out;
  EXPECT_THAT(unknown.out, HasSubstr("cannot tell the format from --out"));
  const auto missing = test::run_cli("export " + (dir.path / "nope.pt").string() + " --out " + (dir.path / "m.ts").string());
  EXPECT_EQ(missing.code, 1) << missing.out;
  EXPECT_THAT(missing.out, HasSubstr("nope.pt does not exist"));
  EXPECT_THAT(files_in(dir.path), testing::ElementsAre("model.pt"));
}

TEST(ExportCommand, SaysWhenNoPythonWithPyTorchCanMakeTheOnnxFile) {
  test::TempDir dir;
  const auto checkpoint = checkpoint_of(dir, "tiny_unet", "channels = [4, 8, 8, 8]");
  const auto missing = test::run_cli("export " + checkpoint.string() + " --out " + (dir.path / "m.onnx").string() + " --size 64 64",
                                     "CRACKKD_PYTHON=" + (dir.path / "no-python").string() + " ");
  EXPECT_EQ(missing.code, 1) << missing.out;
  EXPECT_THAT(missing.out, HasSubstr("install python3-torch or set CRACKKD_PYTHON"));
  // A Python whose site packages (and so torch) are hidden.
  const auto python = dir.path / "python-without-torch";
  std::ofstream(python) << "#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n";
  fs::permissions(python, fs::perms::owner_all);
  const auto no_torch = test::run_cli("export " + checkpoint.string() + " --out " + (dir.path / "m.onnx").string() + " --size 64 64",
                                      "CRACKKD_PYTHON=" + python.string() + " ");
  EXPECT_EQ(no_torch.code, 1) << no_torch.out;
  EXPECT_THAT(no_torch.out, HasSubstr("cannot import torch"));
  fs::remove(python);
  EXPECT_THAT(files_in(dir.path), testing::ElementsAre("model.pt"));
}

}  // namespace

namespace {

// The benchmark counts MACs on the plugin's forward; an exported graph does not report
// every operation to the counter, so an export there is refused before anything runs.
TEST(BenchmarkStage, RefusesAnExportedFileInValidation) {
  test::TempDir dir;
  const auto checkpoint = checkpoint_of(dir, "tiny_unet", "channels = [4, 8, 8, 8]");
  const auto exported = dir.path / "exported.ts";
  ASSERT_EQ(test::run_cli("export " + checkpoint.string() + " --size 64 64 --out " + exported.string()).code, 0);
  const auto pipeline = dir.write("bench.toml", "[stages.benchmark]\nkind = \"benchmark\"\ncheckpoints = [\"" +
                                                    checkpoint.string() + "\", \"" + exported.string() +
                                                    "\"]\nsize = 64\nruns = 2\nwarmup = 0\n");
  const auto refused = test::run_cli("validate " + pipeline.string());
  EXPECT_EQ(refused.code, 2) << refused.out;
  EXPECT_THAT(refused.out, HasSubstr("bench.toml:3:15: stages.benchmark.checkpoints[1]: " + exported.string() +
                                     " is an exported model; give its checkpoint"));
}

}  // namespace
