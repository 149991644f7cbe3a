// Bad command lines and plugin folders: --set, --force, inspect and infer arguments, and
// what is on the plugin path. Results on stdout stay clean of log lines.

#include "bad_input/bad_input_support.hpp"

using namespace crackkd::test;
using ::testing::HasSubstr;

namespace {

struct SetCase {
  std::string name;
  std::string assignment;
  std::string message;
};

std::ostream& operator<<(std::ostream& out, const SetCase& c) { return out << c.name; }

class BadOverride : public ::testing::TestWithParam<SetCase> {};

TEST_P(BadOverride, IsRefusedWithExit2NamingTheAssignment) {
  const auto& c = GetParam();
  Workspace ws;
  const auto file = ws.pipeline(kTinyPipeline);
  const auto outcome = ws.run(file, {"--set", c.assignment});
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr(c.message)) << outcome.said();
  EXPECT_FALSE(fs::exists(ws.workdir()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadOverride,
    ::testing::Values(SetCase{"NoEqualsSign", "stages.train.epochs", "expected --set key.path=value"},
                      SetCase{"EmptyKey", "stages..epochs=2", "empty key"},
                      SetCase{"WildcardMatchingNothing", "stages.*.epohcs=2", "has the key 'epohcs'"},
                      SetCase{"WrongType", "stages.train.epochs=abc", "stages.train.epochs"},
                      SetCase{"OutOfRange", "stages.train.batch_size=0", "stages.train.batch_size"},
                      SetCase{"IntoAValue", "stages.train.epochs.x=1", "not a table"},
                      SetCase{"StageNameOutsideTheWorkdir", "pipeline.name=../outside", "cannot name a folder"}),
    [](const auto& info) { return info.param.name; });

TEST(BadCommandLine, ForceOfAnUnknownStage) {
  Workspace ws;
  const auto outcome = ws.run(ws.pipeline(kTinyPipeline), {"--force", "trian"});
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("no stage 'trian'"));
  EXPECT_THAT(outcome.err, HasSubstr("(did you mean 'train'?)"));
}

TEST(BadCommandLine, UnknownSubcommandAndOptionAreUsageErrors) {
  Workspace ws;
  for (const auto& outcome : {run_binary({"export", "x.pt"}), run_binary({"run", "x.toml", "--wrokdir", "w"})}) {
    EXPECT_EQ(outcome.signal, 0) << outcome.said();
    EXPECT_NE(outcome.code, 0) << outcome.said();
    EXPECT_THAT(outcome.err, ::testing::Not(::testing::IsEmpty()));
  }
}

TEST(BadCommandLine, InspectOfAnUnknownModel) {
  const auto outcome = run_binary({"inspect", "pcx"});
  EXPECT_EQ(outcome.signal, 0) << outcome.said();
  EXPECT_EQ(outcome.code, 2) << outcome.said();
  EXPECT_THAT(outcome.err, HasSubstr("unknown model plugin 'pcx' (did you mean 'pct'?)"));
}

TEST(BadCommandLine, InferWithATileThatIsNotAStrideMultiple) {
  Workspace ws;
  ASSERT_EQ(ws.run(ws.pipeline(kTinyPipeline)).code, 0);
  write_folder(ws.path / "photos", 1);
  const auto outcome = run_binary({"infer", "--checkpoint", (ws.workdir() / "tiny" / "train" / "checkpoint.pt").string(),
                                (ws.path / "photos" / "images").string(), "--out", (ws.path / "out").string(),
                                "--tile", "100"});
  EXPECT_ENDED_WITH(outcome, 1, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("tile")) << outcome.said();
}

TEST(BadCommandLine, InferWithNoImages) {
  Workspace ws;
  ASSERT_EQ(ws.run(ws.pipeline(kTinyPipeline)).code, 0);
  fs::create_directories(ws.path / "empty");
  const auto outcome = run_binary({"infer", "--checkpoint", (ws.workdir() / "tiny" / "train" / "checkpoint.pt").string(),
                                (ws.path / "empty").string(), "--out", (ws.path / "out").string()});
  EXPECT_ENDED_WITH(outcome, 1, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("no images")) << outcome.said();
}

TEST(PluginPath, NamesOnStdoutStayCleanWhenPluginsAreRefusedOrSkipped) {
  // An ABI-mismatched plugin, a shared library that is not a plugin, and a text file named .so.
  Workspace ws;
  const fs::path junk = ws.path / "junk";
  fs::create_directories(junk);
  std::ofstream(junk / "text.so") << "not a library";
  RunSpec spec;
  spec.args = {"--plugin-path", test_plugins("abi_mismatch").string(), "--plugin-path",
               test_plugins("not_a_plugin").string(), "--plugin-path", junk.string(), "plugins", "--names"};
  const auto outcome = run_crackkd(spec);
  EXPECT_ENDED_WITH(outcome, 0, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("refused"));
  EXPECT_THAT(outcome.err, HasSubstr("text.so"));
  EXPECT_THAT(outcome.out, HasSubstr("model.pct\n"));
  for (const char* log_word : {"[warning]", "[error]", "[info]", "refused", "skipping"})
    EXPECT_THAT(outcome.out, ::testing::Not(HasSubstr(log_word))) << outcome.out;
}

TEST(PluginPath, DuplicateComponentNamesBothLibraries) {
  RunSpec spec;
  spec.args = {"--plugin-path", test_plugins("duplicate").string(), "plugins", "--names"};
  const auto outcome = run_crackkd(spec);
  EXPECT_EQ(outcome.signal, 0) << outcome.said();
  EXPECT_EQ(outcome.code, 1) << outcome.said();
  EXPECT_THAT(outcome.err, HasSubstr("duplicate component loss.dice"));
  EXPECT_EQ(outcome.out, "");
}

TEST(PluginPath, MissingFolderOnTheEnvironmentPathIsIgnored) {
  RunSpec spec;
  spec.args = {"plugins", "--names"};
  spec.env = {{"CRACKKD_PLUGIN_PATH", "/nonexistent/crackkd/plugins"}};
  const auto outcome = run_crackkd(spec);
  EXPECT_EQ(outcome.code, 0) << outcome.said();
  EXPECT_THAT(outcome.out, HasSubstr("model.tiny_unet\n"));
}

TEST(PluginPath, AModelWhosePluginIsNotOnThePathIsUnknown) {
  Workspace ws;
  const auto file = ws.pipeline(kTinyPipeline);
  RunSpec spec;
  spec.args = {"validate", file.string()};
  spec.example_plugins = false;
  spec.env = {{"CRACKKD_PLUGIN_PATH", ws.path.string()}};
  // The host's own folder still holds the first-party plugins; the example model is absent.
  const auto outcome = run_crackkd(spec);
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("unknown model plugin 'tiny_unet'")) << outcome.said();
}

TEST(Output, InspectJsonIsTheOnlyThingOnStdout) {
  const auto outcome = run_binary({"inspect", "tiny_unet", "--json", "--runs", "1", "--size", "64"});
  ASSERT_EQ(outcome.code, 0) << outcome.said();
  ASSERT_FALSE(outcome.out.empty());
  EXPECT_EQ(outcome.out.front(), '{') << outcome.out;
  EXPECT_EQ(outcome.out.substr(outcome.out.size() - 2), "}\n") << outcome.out;
}

}  // namespace
