// Bad pipeline files, through the real binary: each is refused by `crackkd validate` and
// by `crackkd run` with exit code 2 and one line naming the file, line and key, and a run
// refused this way writes nothing.

#include "bad_input/bad_input_support.hpp"

using namespace crackkd::test;
using ::testing::HasSubstr;

namespace {

struct PipelineCase {
  std::string name;
  std::string from, to;  ///< kTinyPipeline with `from` replaced by `to`; from "" = `to` is the whole file
  std::string message;   ///< what the one line must say (after the file name)
};

std::ostream& operator<<(std::ostream& out, const PipelineCase& c) { return out << c.name; }

class BadPipeline : public ::testing::TestWithParam<PipelineCase> {};

TEST_P(BadPipeline, ValidateAndRunRefuseItWithOneLineAndExit2) {
  const auto& c = GetParam();
  Workspace ws;
  const auto file = ws.pipeline(c.from.empty() ? c.to : replaced(kTinyPipeline, c.from, c.to));
  for (const auto& outcome : {ws.validate(file), ws.run(file)}) {
    EXPECT_ENDED_WITH(outcome, 2, ws.path);
    EXPECT_THAT(outcome.err, HasSubstr(file.string())) << outcome.said();
    EXPECT_THAT(outcome.err, HasSubstr(c.message)) << outcome.said();
    EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.said();
    EXPECT_EQ(outcome.out, "");
  }
  EXPECT_FALSE(fs::exists(ws.workdir())) << "a refused pipeline wrote into the workdir";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadPipeline,
    ::testing::Values(
        PipelineCase{"MalformedToml", "epochs = 2", "epochs = = 2", ":25:10: malformed TOML"},
        PipelineCase{"EmptyFile", "", "", "the pipeline has no [stages.*]"},
        PipelineCase{"BinaryGarbage", "", std::string("\x7f" "ELF\x02\x01\x01\0\0", 9), "malformed TOML"},
        PipelineCase{"UnknownTopLevelTable", "[models.net]", "[model.net]", "unknown table 'model' (did you mean 'models'?)"},
        PipelineCase{"StageWithoutKind", "kind = \"train\"\n", "", "missing required key 'stages.train.kind'"},
        PipelineCase{"UnknownStageKind", "kind = \"train\"", "kind = \"trian\"", "unknown stage kind 'trian' (did you mean 'train'?)"},
        PipelineCase{"MisspeltStageKey", "epochs = 2", "epohcs = 2", "epohcs"},
        PipelineCase{"WrongTypeStageKey", "epochs = 2", "epochs = \"two\"", "stages.train.epochs"},
        PipelineCase{"OutOfRangeStageKey", "epochs = 2", "epochs = 0", "stages.train.epochs"},
        PipelineCase{"UndefinedModel", "model = \"net\"", "model = \"nett\"", "undefined model 'nett' (did you mean 'net'?)"},
        PipelineCase{"UndefinedDataset", "data = \"val\"", "data = \"vall\"", "undefined dataset 'vall'"},
        PipelineCase{"EvaluateOfAnEvaluate", "models = [\"train\"]", "models = [\"evaluate\"]", "writes no checkpoint"},
        PipelineCase{"StageCycle", "data = \"train\"\nepochs", "data = \"train\"\nafter = [\"evaluate\"]\nepochs", "stage cycle"},
        PipelineCase{"SeedListedTwice", "seed = 5", "seeds = [1, 2, 1]", "seed 1 is listed twice"},
        PipelineCase{"StageNameEscapingTheWorkdir", "[stages.train]", "[stages.\"../../escape\"]", "cannot name a folder"},
        PipelineCase{"StageNameHidden", "[stages.evaluate]", "[stages.\".hidden\"]", "cannot name a folder"},
        PipelineCase{"PipelineNameEscapingTheWorkdir", "name = \"tiny\"", "name = \"../../escape\"", "pipeline.name '../../escape' cannot name a folder"},
        PipelineCase{"PipelineNameAbsolute", "name = \"tiny\"", "name = \"/tmp/escape\"", "cannot name a folder"},
        PipelineCase{"NoiseNameWithSlash", "[models.net]", "[noises.\"a/b\"]\nplugin = \"salt\"\n\n[models.net]", "noises.a/b: the name 'a/b' cannot name a folder"},
        PipelineCase{"UnsetEnvironmentVariable", "plugin = \"tiny_unet\"", "plugin = \"${CRACKKD_UNSET_FOR_TEST}\"", "environment variable CRACKKD_UNSET_FOR_TEST is not set"},
        PipelineCase{"StageNotATable", "[stages.evaluate]", "[stages]\nextra = 3\n\n[stages.evaluate]", "'stages.extra' must be a table"},
        PipelineCase{"ComponentWithoutPlugin", "plugin = \"tiny_unet\"\n", "", "models.net: a component table needs a 'plugin' key"},
        PipelineCase{"UnknownDevice", "device = \"cpu\"", "device = \"tpu\"", "pipeline.device"},
        PipelineCase{"UnknownNoiseReference", "examples = 0", "examples = 0\nnoises = [\"salty\"]", "undefined noise 'salty'"}),
    [](const auto& info) { return info.param.name; });

TEST(BadPipelineFile, MissingFileIsNamed) {
  Workspace ws;
  const auto outcome = ws.validate(ws.path / "nope.toml");
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_EQ(outcome.err, (ws.path / "nope.toml").string() + ": cannot open pipeline file\n");
}

TEST(BadPipelineFile, AnErrorInAnIncludedFileNamesThatFile) {
  Workspace ws;
  const auto base = ws.write("shared/base.toml", replaced(kTinyPipeline, "epochs = 2", "epochs = \"two\""));
  const auto top = ws.pipeline("include = [\"shared/base.toml\"]\n");
  const auto outcome = ws.validate(top);
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr(base.string() + ":25:10: stages.train.epochs"));
  // The including file's own value goes on top, and the pipeline is then valid.
  const auto fixed = ws.pipeline("include = [\"shared/base.toml\"]\n\n[stages.train]\nepochs = 1\n", "fixed.toml");
  const auto valid = ws.validate(fixed);
  EXPECT_ENDED_WITH(valid, 0, ws.path);
}

TEST(BadPipelineFile, FolderIsNamedAsAFolder) {
  Workspace ws;
  for (const auto& outcome : {ws.validate(ws.path), ws.run(ws.path)}) {
    EXPECT_ENDED_WITH(outcome, 2, ws.path);
    EXPECT_EQ(outcome.err, ws.path.string() + ": is a folder, not a pipeline file (give the .toml file in it)\n");
  }
}

}  // namespace
