// The crackkd executable: one clear line and exit code 2 for a bad pipeline, the
// pipeline reference in docs/ in sync with the declared options, and the shipped
// pipelines valid.

#include "framework/app/cli_runner.hpp"
#include "report/csv_table.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>
#include <opencv2/imgcodecs.hpp>

#include <fstream>
#include <regex>


using ::testing::HasSubstr;
namespace fs = std::filesystem;

using crackkd::test::run_cli;

TEST(Cli, BadPipelineIsOneLineAndExitCode2) {
  crackkd::test::TempDir dir;
  auto file = dir.write("bad.toml", "[pipeline]\nname = \"x\"\n[stages.a]\nkind = \"train\"\nmodel = \"m\"\ndata = \"d\"\n");
  auto r = run_cli("validate " + file.string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(r.out, file.string() + ":5:9: stages.a.model: undefined model 'm'\n");
}

TEST(Cli, MissingPipelineFile) {
  auto r = run_cli("validate /nonexistent/p.toml");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "/nonexistent/p.toml: cannot open pipeline file\n");
}

TEST(Cli, UnknownForcedStage) {
  auto r = run_cli("run " + (crackkd::test::source_dir() / "pipelines" / "train_masonry.toml").string() +
                   " --force trian --workdir /nonexistent");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.out, HasSubstr("--force trian: no stage 'trian' in "));
  EXPECT_THAT(r.out, HasSubstr("(did you mean 'train'?)"));
}

TEST(Cli, ShippedPipelinesValidate) {
  auto r = run_cli("validate " + (crackkd::test::source_dir() / "pipelines" / "quickstart.toml").string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("valid; stages teacher -> student -> rfkd -> benchmark -> evaluate -> report"));
  r = run_cli("validate " + (crackkd::test::source_dir() / "pipelines" / "train_masonry.toml").string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("valid; stages train -> benchmark -> evaluate -> report"));
  r = run_cli("validate " + (crackkd::test::source_dir() / "pipelines" / "teacher_masonry.toml").string());
  EXPECT_EQ(r.code, 0) << r.out;
  // These read the teacher that teacher_masonry.toml trains: validation wants the file.
  const std::string rfkd = (crackkd::test::source_dir() / "pipelines" / "rfkd_masonry.toml").string();
  r = run_cli("validate " + rfkd);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_THAT(r.out, HasSubstr("runs/teacher_masonry/teacher/checkpoint.pt does not exist (relative to "));
  crackkd::test::TempDir cwd;
  cwd.write("runs/teacher_masonry/teacher/checkpoint.pt", "");
  const std::string in_cwd = "cd " + cwd.path.string() + " && ";
  for (const char* name : {"rfkd_masonry.toml", "kd_comparison.toml", "lightweight_comparison.toml", "rfkd_variants.toml",
                           "kd_paper_protocol.toml", "rfkd_ablations.toml", "kd_baselines.toml", "kd_scales.toml"}) {
    r = crackkd::test::run_cli("validate " + (crackkd::test::source_dir() / "pipelines" / name).string(), in_cwd);
    EXPECT_EQ(r.code, 0) << name << ": " << r.out;
  }
  // Any student is one line away.
  for (const char* student : {"unet_resnet18", "mobilenetv2", "mobileone", "efficientnet_b0", "mobilevit"}) {
    r = run_cli("validate " + rfkd + " --set models.student.plugin=" + student, in_cwd);
    EXPECT_EQ(r.code, 0) << student << ": " << r.out;
  }
}

TEST(Cli, PluginNamesListTheFirstPartyAndExampleComponents) {
  auto r = run_cli("plugins --names");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "dataset.folder\ndataset.synthetic_cracks\ndistiller.cwd\ndistiller.dist\ndistiller.nkd\ndistiller.rfkd\n"
                   "loss.bce\nloss.dice\nloss.focal\nloss.tversky\nmodel.efficientnet_b0\nmodel.mobilenetv2\nmodel.mobileone\nmodel.mobilevit\nmodel.pct\nmodel.poolingcrack\n"
                   "model.tiny_unet\nmodel.unet_resnet18\nnoise.crack_texture\nnoise.gaussian_blur\nnoise.pepper\nnoise.salt\n"
                   "transform.color_jitter\ntransform.hflip\ntransform.pad_to_multiple\ntransform.random_crop\n"
                   "transform.random_rotate90\ntransform.random_scale\ntransform.resize\ntransform.vflip\n");
}

TEST(Cli, PipelineReferenceInDocsIsUpToDate) {
  auto r = run_cli("plugins --markdown");
  ASSERT_EQ(r.code, 0);
  std::ifstream in(crackkd::test::source_dir() / "docs" / "pipeline_reference.md");
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_EQ(committed.str(), r.out)
      << "docs/pipeline_reference.md is stale: regenerate it with "
         "build/bin/crackkd --plugin-path build/tests/plugins/example plugins --markdown > docs/pipeline_reference.md";
}

TEST(Cli, InspectCountsParameters) {
  auto r = run_cli("inspect tiny_unet --size 64 --json --set channels=[4,8,8,8]");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("\"params\": "));
  // The parameter count, the MACs counted from the forward pass and the median latency:
  // numbers, all positive.
  for (const char* key : {"params", "flops", "latency_ms"}) {
    std::smatch match;
    ASSERT_TRUE(std::regex_search(r.out, match, std::regex(std::string("\"") + key + "\": ([-+0-9.eE]+)[,}]")))
        << key << " in " << r.out;
    EXPECT_GT(std::stod(match[1].str()), 0.0) << key << " in " << r.out;
  }
  EXPECT_THAT(r.out, HasSubstr("\"logits\": [1, 1, 64, 64]"));
  EXPECT_THAT(r.out, HasSubstr("\"features\": [[1, 4, 16, 16], [1, 8, 8, 8], [1, 8, 4, 4], [1, 8, 2, 2]]"));
}

TEST(Cli, QuickstartRunsEndToEndAndEndsWithAReport) {
  crackkd::test::TempDir dir;
  auto r = run_cli("run " + (crackkd::test::source_dir() / "pipelines" / "quickstart.toml").string() +
                   " --workdir " + dir.path.string() +
                   " --set stages.teacher.epochs=1 --set stages.student.epochs=1 --set stages.rfkd.epochs=1"
                   " --set datasets.train.count=8 --set stages.evaluate.levels=[0.0,0.4] --set stages.benchmark.runs=2"
                   " --set datasets.train.size=64 --set datasets.val.count=4 --set datasets.val.size=64");
  EXPECT_EQ(r.code, 0) << r.out;
  const auto run = dir.path / "quickstart";
  EXPECT_THAT(r.out, HasSubstr("results: " + run.string()));
  EXPECT_THAT(r.out, HasSubstr("report: " + (run / "report" / "report.md").string()));
  EXPECT_TRUE(fs::exists(run / "evaluate" / "scores.csv"));
  // device = "auto" says once what it picked and why (this LibTorch: Debian's, CPU-only).
  const std::string picked = "device \"auto\" is cpu: this LibTorch is built without CUDA";
  EXPECT_THAT(r.out, HasSubstr(picked));
  EXPECT_EQ(r.out.find(picked), r.out.rfind(picked)) << "logged once, not once per stage";
  const auto efficiency = crackkd::report::read_csv(run / "benchmark" / "efficiency.csv");
  EXPECT_EQ(efficiency.rows.size(), 3u);
  EXPECT_EQ(efficiency.rows[0][efficiency.column("engine")], "frozen");  // as crackkd infer runs models

  std::ifstream in(run / "report" / "report.md");
  const std::string report((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(report, HasSubstr("| model | mDS | mIoU | F1 | ODS | OIS | AP | images | mDS salt |"));
  EXPECT_THAT(report, HasSubstr("| teacher | poolingcrack |"));
  EXPECT_THAT(report, HasSubstr("threads, frozen engine (benchmark/efficiency.csv)."));
  // Every figure it shows is a valid PNG in the report's folder, and has a caption.
  std::size_t figures = 0;
  for (std::size_t at = report.find("]("); at != std::string::npos; at = report.find("](", at + 1), ++figures) {
    const auto file = report.substr(at + 2, report.find(')', at) - at - 2);
    EXPECT_FALSE(cv::imread((run / "report" / file).string()).empty()) << file;
    EXPECT_THAT(report, HasSubstr("**Figure " + std::to_string(figures + 1) + ".** "));
  }
  EXPECT_EQ(figures, 4u /* robustness */ + 5u /* examples */ + 1u /* validation */ + 3u /* losses */);
}

TEST(Cli, PreviewWritesAGridOfTheImageUnderEachNoiseAtEachLevel) {
  crackkd::test::TempDir dir;
  const auto file = dir.write("tiny.toml", R"([pipeline]
name = "tiny"
seed = 3

[datasets.walls]
plugin = "synthetic_cracks"
count = 2
size = 64

[noises]
salt = { plugin = "salt" }
pepper = { plugin = "pepper" }

[models.unet]
plugin = "tiny_unet"

[stages.train]
kind = "train"
model = "unet"
data = "walls"
)");
  auto r = run_cli("preview " + file.string() + " --levels 0,0.2,0.4,0.6 --index 1 --workdir " + (dir.path / "runs").string());
  ASSERT_EQ(r.code, 0) << r.out;
  const fs::path png = dir.path / "runs" / "tiny" / "preview.png";
  EXPECT_THAT(r.out, HasSubstr("preview: " + png.string() + " (2 noises x 4 levels of "));
  ASSERT_TRUE(fs::exists(png)) << r.out;
  const cv::Mat grid = cv::imread(png.string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(grid.empty());
  // As documented: row 0 the image and its mask, then one row per noise (pepper, salt) and
  // one column per level; 64 px tiles with a 4 px gap around each: 3 rows x 4 columns.
  const int tile = 64, gap = 4;
  ASSERT_EQ(grid.rows, 3 * (tile + gap) + gap);
  ASSERT_EQ(grid.cols, 4 * (tile + gap) + gap);
  const auto at = [&](int row, int column) {
    return grid(cv::Rect(gap + column * (tile + gap), gap + row * (tile + gap), tile, tile));
  };
  const cv::Rect below_label(0, 20, tile, tile - 20);  // under the caption strip
  const auto share_of = [&](const cv::Mat& t, int value) {
    cv::Mat equal;
    cv::inRange(t(below_label), cv::Scalar::all(value), cv::Scalar::all(value), equal);
    return cv::countNonZero(equal) / static_cast<double>(below_label.area());
  };
  // The first row has only two tiles; the rest of it is background.
  EXPECT_EQ(share_of(at(0, 2), 40), 1.0);
  EXPECT_EQ(share_of(at(0, 3), 40), 1.0);
  // The mask tile is black and white.
  EXPECT_NEAR(share_of(at(0, 1), 0) + share_of(at(0, 1), 255), 1.0, 1e-9);
  const cv::Mat clean = at(0, 0)(below_label);
  for (int row : {1, 2}) {
    // Level 0 is the clean image; at 60 % about 60 % of the pixels are black (pepper) or
    // white (salt), and more of them than at 20 %.
    EXPECT_EQ(cv::norm(at(row, 0)(below_label), clean, cv::NORM_INF), 0.0) << "row " << row;
    const int value = row == 1 ? 0 : 255;
    EXPECT_NEAR(share_of(at(row, 3), value), 0.6, 0.1) << "row " << row;
    EXPECT_LT(share_of(at(row, 1), value), share_of(at(row, 3), value)) << "row " << row;
  }
}
