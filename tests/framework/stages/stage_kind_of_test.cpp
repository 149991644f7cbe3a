// A stage kind added as one file, the way docs/architecture.md ("Adding a stage kind")
// shows it: this test-only kind registers itself and runs in a pipeline beside the
// first-party kinds, without a line of the framework changed.

#include "io/durable_file.hpp"
#include "pipeline/pipeline.hpp"
#include "runner/plan.hpp"
#include "runner/runner.hpp"
#include "stages/stage_kind_of.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>

#include <cstdlib>

using namespace crackkd;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace {

struct EchoOptions {
  std::string text;
  std::int64_t times = 1;
  std::string into = "echo.txt";  // any other name breaks the kind's declaration
  std::string also = "";          // a second file, undeclared
  std::string copy = "";          // a stage whose echo.txt to append
  bool declare_copy = true;       // false breaks the declaration of that read
  static void declare(OptionSchema<EchoOptions>& s) {
    s.required("text", &EchoOptions::text, "what to write");
    s.optional("times", &EchoOptions::times, "how often, one line each").in_range(1, 100);
    s.optional("into", &EchoOptions::into, "the file it writes");
    s.optional("also", &EchoOptions::also, "a second file it writes");
    s.optional("copy", &EchoOptions::copy, "an echo stage whose text to append");
    s.optional("declare_copy", &EchoOptions::declare_copy, "whether its plan says it reads `copy`");
  }
};

class EchoStage : public stages::StageKindOf<EchoOptions> {
 public:
  const char* name() const override { return "echo"; }
  const char* summary() const override { return "Writes its text to a file"; }
  std::vector<Result> results() const override { return {{"echo.txt", "", {}}}; }
  stages::StagePlan plan(const EchoOptions& o, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                         host::PluginHost&) const override {
    stages::StagePlan p;
    if (!o.copy.empty() && o.declare_copy) stages::read_result_of(stage, "copy", o.copy, "echo.txt", pipeline, p);
    if (!o.copy.empty() && !o.declare_copy) p.depends_on.push_back(o.copy);
    return p;
  }
  void run(stages::StageContext& ctx, const EchoOptions& o) const override {
    std::string lines;
    for (std::int64_t i = 0; i < o.times; ++i) lines += o.text + "\n";
    if (!o.copy.empty()) lines += test::read_file(ctx.result_of(o.copy, "echo.txt", ""));
    io::write_atomically(ctx.out_dir / o.into, lines);
    if (!o.also.empty()) io::write_atomically(ctx.out_dir / o.also, lines);
  }
};

}  // namespace

CRACKKD_STAGE_KIND(EchoStage, 60)

namespace {

const char* kEchoPipeline = R"([pipeline]
name = "echoed"
device = "cpu"

[stages.say]
kind = "echo"
text = "hello"
times = 2
)";

}  // namespace

TEST(StageKindOf, ARegisteredKindIsListedAfterTheFirstPartyOnesWithItsOptions) {
  std::vector<std::string> names;
  for (const auto* k : stages::stage_kinds()) names.push_back(k->name());
  EXPECT_EQ(names, (std::vector<std::string>{"train", "distill", "evaluate", "benchmark", "report", "echo"}));
  EXPECT_EQ(stages::find_stage_kind("echo")->doc(), "Writes its text to a file; writes echo.txt");
  const auto options = stages::find_stage_kind("echo")->options();
  ASSERT_EQ(options.size(), 6u);
  EXPECT_EQ(options[0].key, "text");
  EXPECT_TRUE(options[0].required);
}

TEST(StageKindOf, ItsOptionsAreParsedOnceAtValidationAndReachItsRun) {
  test::TempDir dir;
  auto host = test::make_host();
  const auto pipeline = pipeline::load_pipeline(dir.write("echo.toml", kEchoPipeline), {});
  const auto plan = runner::validate_pipeline(pipeline, *host);
  runner::RunOptions options;
  options.workdir = dir.path / "runs";
  const auto summary = runner::run_pipeline(pipeline, plan, *host, options);
  EXPECT_EQ(summary.ran, (std::vector<std::string>{"say"}));
  EXPECT_EQ(test::read_file(dir.path / "runs" / "echoed" / "say" / "echo.txt"), "hello\nhello\n");
}

TEST(StageKindOf, ItsOptionsAreCheckedLikeAFirstPartyKinds) {
  test::TempDir dir;
  auto host = test::make_host();
  std::string text = kEchoPipeline;
  text.replace(text.find("times = 2"), 9, "tiems = 2");
  const auto pipeline = pipeline::load_pipeline(dir.write("echo.toml", text), {});
  EXPECT_THAT(test::config_error([&] { runner::validate_pipeline(pipeline, *host); }),
              HasSubstr("unknown key 'stages.say.tiems' (did you mean 'times'?)"));
}

namespace {

/// Runs `extra` appended to the echo pipeline; the error it ends with, or "".
std::string run_error(const std::string& extra) {
  test::TempDir dir;
  auto host = test::make_host();
  const auto pipeline = pipeline::load_pipeline(dir.write("echo.toml", std::string(kEchoPipeline) + extra), {});
  const auto plan = runner::validate_pipeline(pipeline, *host);
  runner::RunOptions options;
  options.workdir = dir.path / "runs";
  try {
    runner::run_pipeline(pipeline, plan, *host, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(StageKindOf, ItReadsWhatItDeclaresItReadsAndNothingElse) {
  EXPECT_EQ(run_error("\n[stages.again]\nkind = \"echo\"\ntext = \"bye\"\ncopy = \"say\"\n"), "");
  EXPECT_THAT(run_error("\n[stages.again]\nkind = \"echo\"\ntext = \"bye\"\ncopy = \"say\"\ndeclare_copy = false\n"),
              HasSubstr("stage again (echo) reads echo.txt of stage say, which its plan does not declare"));
}

TEST(StageKindOf, AFileItWritesThatItsKindDoesNotDeclareFailsTheStageInTheTests) {
  EXPECT_THAT(run_error("also = \"notes.txt\"\n"),
              HasSubstr("stage say (echo) wrote notes.txt into "));
  EXPECT_THAT(run_error("also = \"notes.txt\"\n"), HasSubstr("which its kind does not declare"));
  EXPECT_THAT(run_error("into = \"other.txt\"\n"),
              HasSubstr("stage say (echo) did not write echo.txt, which its kind declares it writes"));
}

TEST(StageKindOf, OutsideTheTestsAnUndeclaredFileIsAWarningAndTheStageKeepsItsResults) {
  ASSERT_STREQ(std::getenv("CRACKKD_STRICT_CONTRACTS"), "1") << "tests/test_paths.cpp.in sets it";
  ::unsetenv("CRACKKD_STRICT_CONTRACTS");  // as a user's run: a file dropped in the folder
  std::string error;
  const std::string log = test::logged([&] { error = run_error("also = \"notes.txt\"\n"); });
  ::setenv("CRACKKD_STRICT_CONTRACTS", "1", 1);
  EXPECT_EQ(error, "");
  EXPECT_THAT(log, HasSubstr("wrote notes.txt into "));
}
