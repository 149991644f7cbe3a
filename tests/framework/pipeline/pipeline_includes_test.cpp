// Pipelines on shared files (framework/pipeline/pipeline_includes.hpp): a chain of
// includes merged in order with the including file on top, every value still naming the
// file and line it came from, and one clear line for each include that cannot be followed.

#include "pipeline/pipeline.hpp"
#include "pipeline_texts.hpp"
#include "runner/plan.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>

using namespace crackkd;
using crackkd::test::config_error;
using ::testing::HasSubstr;

namespace {

const std::string kBase = "[pipeline]\nseed = 3\n\n" + test::kTrainStageText;

const char* kMiddle = R"(include = ["shared/base.toml"]

[stages.train]
epochs = 2

[stages.evaluate]
kind = "evaluate"
models = ["train"]
data = "train"
)";

const char* kTop = R"(include = ["middle.toml"]

[pipeline]
name = "top"

[stages.train]
lr = 0.01
)";

class PipelineIncludes : public ::testing::Test {
 protected:
  test::TempDir dir_;
  std::unique_ptr<host::PluginHost> host_ = test::make_host();
};

const Value& value_at(const pipeline::Pipeline& p, const std::string& stage, const std::string& key) {
  return p.stages.at(stage).params.at(key);
}

}  // namespace

TEST_F(PipelineIncludes, AChainOfThreeMergesInOrderWithTheIncludingFileOnTop) {
  dir_.write("shared/base.toml", kBase);
  dir_.write("middle.toml", kMiddle);
  const auto top = dir_.write("top.toml", kTop);
  const auto p = pipeline::load_pipeline(top, {});
  EXPECT_EQ(p.options.name, "top");
  EXPECT_EQ(p.options.seed, 3);
  EXPECT_EQ(value_at(p, "train", "epochs").integer_value, 2);  // middle.toml over base.toml
  EXPECT_EQ(value_at(p, "train", "lr").float_value, 0.01);     // top.toml over both
  EXPECT_EQ(value_at(p, "train", "model").string_value, "unet");  // base.toml, untouched
  EXPECT_THAT(value_at(p, "train", "epochs").where.file, HasSubstr("middle.toml"));
  EXPECT_EQ(value_at(p, "train", "epochs").where.line, test::line_starting(kMiddle, "epochs"));
  EXPECT_THAT(value_at(p, "train", "model").where.file, HasSubstr("base.toml"));
  EXPECT_EQ(p.stages.count("evaluate"), 1u);
  EXPECT_NO_THROW(runner::validate_pipeline(p, *host_));
  // --set still goes on top of everything.
  EXPECT_EQ(value_at(pipeline::load_pipeline(top, {"stages.train.epochs=7"}), "train", "epochs").integer_value, 7);
}

TEST_F(PipelineIncludes, AnErrorInAnIncludedFileNamesThatFileAndLine) {
  std::string base = kBase;  // epochs as text: a type error in the included file
  base.replace(base.find("epochs = 5"), 10, "epochs = \"five\"");
  dir_.write("shared/base.toml", base);
  dir_.write("middle.toml", R"(include = ["shared/base.toml"])");
  const auto top = dir_.write("top.toml", kTop);
  const auto message = config_error([&] { runner::validate_pipeline(pipeline::load_pipeline(top, {}), *host_); });
  EXPECT_THAT(message, HasSubstr("base.toml:" + std::to_string(test::line_starting(base, "epochs")) +
                                 ":10: stages.train.epochs"));
  dir_.write("shared/base.toml", "[pipeline\nseed = 3\n");
  EXPECT_THAT(config_error([&] { pipeline::load_pipeline(top, {}); }), HasSubstr("base.toml:1:"));
}

TEST_F(PipelineIncludes, IncludesThatCannotBeFollowedAreOneClearLine) {
  const auto missing = dir_.write("missing.toml", "include = [\"nowhere.toml\"]\n");
  EXPECT_THAT(config_error([&] { pipeline::load_pipeline(missing, {}); }),
              HasSubstr("missing.toml:1:12: include: no file " + (dir_.path / "nowhere.toml").string()));
  dir_.write("a.toml", "include = [\"b.toml\"]\n");
  const auto b = dir_.write("b.toml", "include = [\"a.toml\"]\n");
  EXPECT_THAT(config_error([&] { pipeline::load_pipeline(b, {}); }),
              HasSubstr("include: the files include each other: " + (dir_.path / "b.toml").string() + " → " +
                        (dir_.path / "a.toml").string() + " → " + (dir_.path / "b.toml").string()));
  const auto not_array = dir_.write("string.toml", "include = \"base.toml\"\n");
  EXPECT_THAT(config_error([&] { pipeline::load_pipeline(not_array, {}); }),
              HasSubstr("string.toml:1:11: include takes an array of file names"));
  const auto misspelt = dir_.write("includes.toml", "includes = [\"base.toml\"]\n");
  EXPECT_THAT(config_error([&] { pipeline::load_pipeline(misspelt, {}); }), HasSubstr("did you mean 'include'"));
}
