// The crackkd executable: one clear line and exit code 2 for a bad pipeline, the
// pipeline reference in docs/ in sync with the declared options, and the shipped
// pipelines valid.

#include "framework/app/cli_runner.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>


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
  EXPECT_THAT(r.out, HasSubstr("valid; stages teacher -> student -> rfkd -> evaluate"));
  r = run_cli("validate " + (crackkd::test::source_dir() / "pipelines" / "train_masonry.toml").string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("valid; stages train -> evaluate"));
  for (const char* name : {"teacher_masonry.toml", "rfkd_masonry.toml", "kd_comparison.toml"}) {
    r = run_cli("validate " + (crackkd::test::source_dir() / "pipelines" / name).string());
    EXPECT_EQ(r.code, 0) << name << ": " << r.out;
  }
}

TEST(Cli, PluginNamesListTheFirstPartyAndExampleComponents) {
  auto r = run_cli("plugins --names");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "dataset.folder\ndataset.synthetic_cracks\ndistiller.cwd\ndistiller.dist\ndistiller.nkd\ndistiller.rfkd\n"
                   "loss.bce\nloss.dice\nmodel.pct\nmodel.poolingcrack\n"
                   "model.tiny_unet\nnoise.crack_texture\nnoise.gaussian_blur\nnoise.pepper\nnoise.salt\n"
                   "transform.color_jitter\ntransform.hflip\ntransform.random_crop\ntransform.vflip\n");
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
  EXPECT_THAT(r.out, HasSubstr("\"logits\": [1, 1, 64, 64]"));
  EXPECT_THAT(r.out, HasSubstr("\"features\": [[1, 4, 16, 16], [1, 8, 8, 8], [1, 8, 4, 4], [1, 8, 2, 2]]"));
}

TEST(Cli, QuickstartRunsEndToEndAndSaysWhereResultsAre) {
  crackkd::test::TempDir dir;
  auto r = run_cli("run " + (crackkd::test::source_dir() / "pipelines" / "quickstart.toml").string() +
                   " --workdir " + dir.path.string() +
                   " --set stages.teacher.epochs=1 --set stages.student.epochs=1 --set stages.rfkd.epochs=1"
                   " --set datasets.train.count=8 --set stages.evaluate.levels=[0.3]"
                   " --set datasets.train.size=64 --set datasets.val.count=4 --set datasets.val.size=64");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("results: " + (dir.path / "quickstart").string()));
  EXPECT_TRUE(fs::exists(dir.path / "quickstart" / "evaluate" / "scores.csv"));
}
