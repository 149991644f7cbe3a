// Whole-pipeline validation: each negative case gives one line `file:line:col: message`.

#include "pipeline/pipeline.hpp"
#include "runner/plan.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>
#include <torch/cuda.h>

using namespace crackkd;
using crackkd::test::config_error;
using ::testing::HasSubstr;

namespace {

const char* kValid = R"([pipeline]
name = "t"
seed = 3

[datasets.train]
plugin = "synthetic_cracks"
count = 4
size = 64

[models.unet]
plugin = "tiny_unet"
channels = [4, 8, 8, 8]

[stages.train]
kind = "train"
model = "unet"
data = "train"
epochs = 1

[stages.evaluate]
kind = "evaluate"
models = ["train"]
data = "train"
)";

class PipelineValidation : public ::testing::Test {
 protected:
  runner::PipelinePlan validate(const std::string& text, std::vector<std::string> overrides = {}) {
    auto file = dir_.write("p.toml", text);
    auto pipeline = pipeline::load_pipeline(file, overrides);
    return runner::validate_pipeline(pipeline, *host_);
  }
  std::string error(const std::string& text, std::vector<std::string> overrides = {}) {
    auto message = config_error([&] { validate(text, overrides); });
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    // Messages name the file: strip the temporary folder for readable expectations.
    auto at = message.find("p.toml");
    return at == std::string::npos ? message : message.substr(at);
  }
  static std::string replace(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  }

  test::TempDir dir_;
  std::unique_ptr<host::PluginHost> host_ = test::make_host();
};

}  // namespace

TEST_F(PipelineValidation, ValidPipelineOrdersStagesByDependency) {
  auto plan = validate(kValid);
  EXPECT_EQ(plan.order, (std::vector<std::string>{"train", "evaluate"}));
}

TEST_F(PipelineValidation, MalformedToml) {
  EXPECT_THAT(error(replace(kValid, "seed = 3", "seed = = 3")), ::testing::StartsWith("p.toml:3:"));
}

TEST_F(PipelineValidation, MisspeltKey) {
  EXPECT_EQ(error(replace(kValid, "epochs = 1", "epoch = 1")),
            "p.toml:18:9: unknown key 'stages.train.epoch' (did you mean 'epochs' or 'warmup_epochs'?)");
}

TEST_F(PipelineValidation, MisspeltKeyInAPluginsOptions) {
  EXPECT_EQ(error(replace(kValid, "count = 4", "cout = 4")),
            "p.toml:7:8: unknown key 'datasets.train.cout' (did you mean 'count'?)");
}

TEST_F(PipelineValidation, WrongType) {
  EXPECT_EQ(error(replace(kValid, "epochs = 1", "epochs = \"one\"")),
            "p.toml:18:10: stages.train.epochs: expected an integer, got string \"one\"");
}

TEST_F(PipelineValidation, WrongTypeFromOverride) {
  EXPECT_EQ(error(kValid, {"stages.train.epochs=many"}),
            "--set stages.train.epochs=many: stages.train.epochs: expected an integer, got string \"many\"");
}

TEST_F(PipelineValidation, MissingRequiredKey) {
  EXPECT_EQ(error(replace(kValid, "data = \"train\"\nepochs", "epochs")),
            "p.toml:14:1: missing required key 'stages.train.data'");
}

TEST_F(PipelineValidation, UndefinedReference) {
  EXPECT_EQ(error(replace(kValid, "model = \"unet\"", "model = \"unte\"")),
            "p.toml:16:9: stages.train.model: undefined model 'unte' (did you mean 'unet'?)");
  EXPECT_EQ(error(replace(kValid, "models = [\"train\"]", "models = [\"trian\"]")),
            "p.toml:22:11: stages.evaluate.models: undefined stage 'trian' (did you mean 'train'?)");
}

TEST_F(PipelineValidation, Cycle) {
  auto text = replace(kValid, "epochs = 1", "epochs = 1\nafter = [\"evaluate\"]");
  EXPECT_THAT(error(text), HasSubstr("stage cycle: "));
  EXPECT_THAT(error(text), ::testing::AnyOf(HasSubstr("evaluate -> train -> evaluate"),
                                            HasSubstr("train -> evaluate -> train")));
}

TEST_F(PipelineValidation, UnknownPluginWithClosestNames) {
  EXPECT_EQ(error(replace(kValid, "plugin = \"synthetic_cracks\"", "plugin = \"synthetic\"")),
            "p.toml:6:10: unknown dataset plugin 'synthetic' (did you mean 'synthetic_cracks'?)");
  EXPECT_THAT(error(replace(kValid, "plugin = \"tiny_unet\"", "plugin = \"segformer\"")),
              HasSubstr("unknown model plugin 'segformer' (known: efficientnet_b0, mobilenetv2, mobileone, mobilevit, pct, poolingcrack, tiny_unet, unet_resnet18)"));
}

TEST_F(PipelineValidation, UnknownStageKind) {
  EXPECT_EQ(error(replace(kValid, "kind = \"train\"", "kind = \"trian\"")),
            "p.toml:15:8: stages.train.kind: unknown stage kind 'trian' (did you mean 'train'?)");
}

TEST_F(PipelineValidation, UnknownTopLevelTable) {
  EXPECT_THAT(error(std::string(kValid) + "\n[model.x]\nplugin = \"tiny_unet\"\n"),
              HasSubstr("unknown table 'model' (did you mean 'models'?"));
}

TEST_F(PipelineValidation, PluginOptionOutOfRange) {
  EXPECT_EQ(error(replace(kValid, "channels = [4, 8, 8, 8]", "channels = [4, 8, 8]")),
            "p.toml:12:12: models.unet.channels: expected 4 entries, got 3");
}

TEST_F(PipelineValidation, ModelsMustComeFromStagesThatWriteCheckpoints) {
  EXPECT_THAT(error(kValid, {"stages.again.kind=evaluate", "stages.again.models=[\"evaluate\"]", "stages.again.data=train"}),
              HasSubstr("stages.again.models: stage 'evaluate' (evaluate) writes no checkpoint.pt; it writes "
                        "scores.csv, per_image.csv, examples_clean.png"));
}

TEST_F(PipelineValidation, ReportAndBenchmarkStages) {
  const std::string with_report = std::string(kValid) + R"(
[stages.cost]
kind = "benchmark"
models = ["train"]
size = 64

[stages.report]
kind = "report"
)";
  auto plan = validate(with_report);
  EXPECT_EQ(plan.order.back(), "report");  // after every stage it reports on
  EXPECT_EQ(plan.order.size(), 4u);
  EXPECT_EQ(error(with_report + "stages = [\"report\"]\n"), "p.toml:32:11: stages.report.stages: a report cannot report on itself");
  EXPECT_THAT(error(replace(with_report, "models = [\"train\"]\nsize", "size")),
              HasSubstr("stages.cost: give 'models' (stage names) or 'checkpoints' (files)"));
  EXPECT_EQ(error(replace(with_report, "models = [\"train\"]\nsize", "models = [\"evaluate\"]\nsize")),
            "p.toml:27:11: stages.cost.models: stage 'evaluate' (evaluate) writes no checkpoint.pt; it writes "
            "scores.csv, per_image.csv, examples_clean.png");
}

TEST_F(PipelineValidation, WarmupLongerThanTraining) {
  EXPECT_EQ(error(replace(kValid, "epochs = 1", "epochs = 1\nwarmup_epochs = 2")),
            "p.toml:19:17: stages.train.warmup_epochs: 2 warm-up epochs exceed the stage's 1 epochs");
}

TEST_F(PipelineValidation, MixedPrecisionNeedsCuda) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a CUDA device is present: amp is valid here";
  EXPECT_EQ(error(replace(kValid, "epochs = 1", "epochs = 1\namp = true")),
            "p.toml:19:7: stages.train.amp: mixed precision needs a CUDA device; this stage runs on the CPU (set amp = "
            "false, or run where CUDA is present)");
}

TEST_F(PipelineValidation, ANoisesIntensityIsGivenWhereItIsUsed) {
  EXPECT_THAT(error(std::string(kValid) + "\n[noises]\nsalt = { plugin = \"salt\", intensity = 0.2 }\n"),
              HasSubstr("noises.salt.intensity: a noise's intensity is given where the noise is used"));
}

TEST_F(PipelineValidation, AStagesLossSumNamesItsBadTerm) {
  EXPECT_THAT(error(replace(kValid, "epochs = 1", "epochs = 1\nloss = [\"dice\", { plugin = \"focal\", gama = 2 }]")),
              HasSubstr("unknown key 'stages.train.loss[1].gama' (did you mean 'gamma'?)"));
}
