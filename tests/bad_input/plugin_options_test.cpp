// Mistakes in any plugin's options, and errors raised inside plugin code at run time:
// before the fix, each ended in SIGSEGV (exit 139) with nothing printed, because the
// exception's code was unloaded with its plugin before the CLI printed it. Each now ends
// with one line naming the file, line and key (exit 2), or the plugin and path (exit 1).

#include "bad_input/bad_input_support.hpp"

using namespace crackkd::test;
using ::testing::HasSubstr;

namespace {

struct OptionCase {
  std::string name;
  std::string from, to;  ///< kTinyPipeline with `from` replaced by `to`
  std::string message;
};

std::ostream& operator<<(std::ostream& out, const OptionCase& c) { return out << c.name; }

class BadPluginOption : public ::testing::TestWithParam<OptionCase> {};

TEST_P(BadPluginOption, IsOneLineWithExit2NotACrash) {
  const auto& c = GetParam();
  Workspace ws;
  const auto file = ws.pipeline(replaced(kTinyPipeline, c.from, c.to));
  for (const auto& outcome : {ws.validate(file), ws.run(file)}) {
    EXPECT_ENDED_WITH(outcome, 2, ws.path);
    EXPECT_THAT(outcome.err, HasSubstr(file.string() + ":")) << outcome.said();
    EXPECT_THAT(outcome.err, HasSubstr(c.message)) << outcome.said();
  }
}

const std::string kNoise = "[noises]\nsalt = { plugin = \"salt\" }\n\n[models.net]";

INSTANTIATE_TEST_SUITE_P(
    Cases, BadPluginOption,
    ::testing::Values(
        OptionCase{"DatasetKeyMisspelt", "count = 8", "count_typo = 8", "count_typo"},
        OptionCase{"DatasetValueWrongType", "count = 8", "count = \"eight\"", "count"},
        OptionCase{"DatasetValueOutOfRange", "count = 8", "count = 0", "count"},
        OptionCase{"FolderDatasetKeyMisspelt", "plugin = \"synthetic_cracks\"\ncount = 4\nsize = 64\nseed = 2",
                   "plugin = \"folder\"\nroot = \"/data\"\nmask_value = \"0/1\"", "unknown key 'datasets.val.mask_value' (did you mean 'mask_values'?)"},
        OptionCase{"ThirdPartyModelKeyMisspelt", "channels = [4, 8, 8, 8]", "chanels = [4, 8, 8, 8]", "chanels"},
        OptionCase{"ThirdPartyModelArrayTooShort", "channels = [4, 8, 8, 8]", "channels = [4, 8]", "channels"},
        OptionCase{"FirstPartyModelKeyMisspelt", "plugin = \"tiny_unet\"\nchannels = [4, 8, 8, 8]",
                   "plugin = \"pct\"\ndecoder_widht = 32", "decoder_widht"},
        OptionCase{"UnknownModelPlugin", "plugin = \"tiny_unet\"", "plugin = \"tiny_unte\"", "unknown model plugin 'tiny_unte'"},
        OptionCase{"LossKeyMisspelt", "batch_size = 4", "batch_size = 4\nloss = { plugin = \"dice\", smoth = 1 }", "smoth"},
        OptionCase{"UnknownLossPlugin", "batch_size = 4", "batch_size = 4\nloss = { plugin = \"dcie\" }", "unknown loss plugin 'dcie'"},
        OptionCase{"AugmentKeyMisspelt", "batch_size = 4", "batch_size = 4\naugment = [{ plugin = \"hflip\", probabilty = 0.5 }]", "probabilty"},
        OptionCase{"NoiseKeyMisspelt", "[models.net]", "[noises]\nsalt = { plugin = \"salt\", amuont = 1 }\n\n[models.net]", "amuont"},
        OptionCase{"NoiseMixUnknownNoise", "batch_size = 4",
                   "batch_size = 4\nnoise_mix = { clean = 2, noisy = 1, noises = [\"salty\"] }", "salty"},
        OptionCase{"DistillerKeyMisspelt", "[stages.evaluate]",
                   "[stages.kd]\nkind = \"distill\"\nteacher = \"train\"\nstudent = \"net\"\ndata = \"train\"\n"
                   "distiller = { plugin = \"rfkd\", feature_wieght = 1 }\n\n[stages.evaluate]", "feature_wieght"},
        OptionCase{"UnknownDistiller", "[stages.evaluate]",
                   "[stages.kd]\nkind = \"distill\"\nteacher = \"train\"\nstudent = \"net\"\ndata = \"train\"\n"
                   "distiller = { plugin = \"rfdk\" }\n\n[stages.evaluate]", "unknown distiller plugin 'rfdk'"}),
    [](const auto& info) { return info.param.name; });

TEST(BadPluginOption, SetOverrideWithAMisspeltPluginKey) {
  Workspace ws;
  const auto file = ws.pipeline(kTinyPipeline);
  for (const auto& outcome : {ws.validate(file, {"--set", "datasets.train.cuont=3"}),
                              ws.run(file, {"--set", "datasets.train.cuont=3"})}) {
    EXPECT_ENDED_WITH(outcome, 2, ws.path);
    EXPECT_THAT(outcome.err, HasSubstr("cuont")) << outcome.said();
  }
}

TEST(BadPluginOption, InspectWithAMisspeltModelOption) {
  Workspace ws;
  const auto outcome = run_binary({"inspect", "pct", "--set", "decoder_widht=32"});
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("decoder_widht")) << outcome.said();
}

TEST(PluginError, FolderDatasetWithAMissingRootFailsTheRunNamingTheFolder) {
  // Valid options, so validation passes; the plugin's constructor throws while the stage runs.
  Workspace ws;
  const auto file = ws.pipeline(replaced(kTinyPipeline, "plugin = \"synthetic_cracks\"\ncount = 8\nsize = 64",
                                         "plugin = \"folder\"\nroot = \"" + (ws.path / "absent").string() + "\""));
  const auto checked = ws.run(file);  // the data check before the first stage names it
  EXPECT_ENDED_WITH(checked, 1, ws.path);
  EXPECT_THAT(checked.err, HasSubstr("no image folder " + (ws.path / "absent" / "images").string())) << checked.said();
  const auto outcome = ws.run(file, {"--no-data-check"});  // and so does the stage, past the check
  EXPECT_ENDED_WITH(outcome, 1, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("no image folder " + (ws.path / "absent" / "images").string())) << outcome.said();
  EXPECT_THAT(outcome.err, HasSubstr("error: ")) << outcome.said();
  EXPECT_THAT(read_file(ws.workdir() / "tiny" / "log.txt"), HasSubstr("stage train failed"));
}

TEST(PluginError, InspectOfOptionsThePluginsOwnCheckRefuses) {
  // Each value is in range; the plugin's code rejects the combination (a ConfigError made
  // in the plugin library, thrown while `inspect` owns the host).
  Workspace ws;
  const auto outcome = run_binary({"inspect", "pct", "--set", "decoder_width=30", "--set", "deform_groups=4"});
  EXPECT_ENDED_WITH(outcome, 2, ws.path);
  EXPECT_THAT(outcome.err, HasSubstr("decoder_width (30) must be a multiple of deform_groups (4)")) << outcome.said();
}

}  // namespace
