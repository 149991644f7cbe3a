#include "test_support.hpp"

#include <gmock/gmock.h>

#include <cstdlib>

using namespace crackkd;
using crackkd::test::config_error;
using crackkd::test::params_from;
using ::testing::HasSubstr;

TEST(TomlParams, RecordsLocationsAndPaths) {
  auto p = params_from("[models.unet]\nplugin = \"tiny_unet\"\nchannels = [1, 2]\n");
  const auto& models = *p.at("models").table;
  const auto& unet = *models.at("unet").table;
  EXPECT_EQ(unet.path(), "models.unet");
  EXPECT_EQ(unet.at("plugin").where.str(), "test.toml:2:10");
  EXPECT_EQ(unet.qualified("channels"), "models.unet.channels");
}

TEST(TomlParams, MalformedTomlIsOneLineWithPosition) {
  auto message = config_error([] { params_from("[pipeline]\nname = \"unterminated\n"); });
  EXPECT_THAT(message, ::testing::StartsWith("test.toml:2:"));
  EXPECT_THAT(message, HasSubstr("malformed TOML"));
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(TomlParams, ExpandsEnvironmentWithDefaults) {
  ::setenv("CRACKKD_TEST_ROOT", "/data", 1);
  ::unsetenv("CRACKKD_TEST_UNSET");
  auto p = params_from("a = \"${CRACKKD_TEST_ROOT}/x\"\nb = \"${CRACKKD_TEST_UNSET:-../shared}/y\"");
  EXPECT_EQ(p.at("a").string_value, "/data/x");
  EXPECT_EQ(p.at("b").string_value, "../shared/y");
  EXPECT_EQ(config_error([] { params_from("c = \"${CRACKKD_TEST_UNSET}\""); }),
            "test.toml:1:5: environment variable CRACKKD_TEST_UNSET is not set (write "
            "${CRACKKD_TEST_UNSET:-default} to give a default)");
}

TEST(TomlParams, OverridesAreTypedAndCreateTables) {
  auto p = params_from("[stages.train]\nepochs = 3\n");
  pipeline::apply_override(p, "stages.train.epochs=5");
  pipeline::apply_override(p, "stages.train.lr=1e-4");
  pipeline::apply_override(p, "models.student.plugin=tiny_unet");
  pipeline::apply_override(p, "models.student.name=12");
  const auto& train = *p.at("stages").table->at("train").table;
  EXPECT_EQ(train.at("epochs").type, Value::Type::Integer);
  EXPECT_EQ(train.at("epochs").integer_value, 5);
  EXPECT_DOUBLE_EQ(train.at("lr").float_value, 1e-4);
  const auto& student = *p.at("models").table->at("student").table;
  EXPECT_EQ(student.at("plugin").string_value, "tiny_unet");
  // A string option given digits on the command line receives the digits.
  std::string name;
  crackkd::detail::read(student.at("name"), "models.student.name", name);
  EXPECT_EQ(name, "12");
  EXPECT_THAT(config_error([&] { pipeline::apply_override(p, "stages.train.epochs.x=1"); }),
              HasSubstr("'stages.train.epochs' is a integer, not a table"));
  EXPECT_THAT(config_error([&] { pipeline::apply_override(p, "novalue"); }), HasSubstr("expected --set key.path=value"));
}

// `stages.*.epochs=500` scales every training stage of a pipeline with one option.
TEST(TomlParams, WildcardOverrideSetsTheKeyWhereItExists) {
  auto p = params_from("[stages.a]\nepochs = 3\n[stages.b]\nkind = \"evaluate\"\n[stages.c]\nepochs = 4\n");
  pipeline::apply_override(p, "stages.*.epochs=500");
  const auto& stages = *p.at("stages").table;
  EXPECT_EQ(stages.at("a").table->at("epochs").integer_value, 500);
  EXPECT_EQ(stages.at("c").table->at("epochs").integer_value, 500);
  EXPECT_EQ(stages.at("b").table->find("epochs"), nullptr);
  EXPECT_THAT(config_error([&] { pipeline::apply_override(p, "stages.*.warmup=2"); }),
              HasSubstr("no table matching 'stages.*.warmup' has the key 'warmup'"));
  EXPECT_THAT(config_error([&] { pipeline::apply_override(p, "stages.*=2"); }),
              HasSubstr("'*' must be followed by a key"));
}

TEST(TomlParams, CanonicalTextRoundTrips) {
  auto p = params_from("b = [1, 2.5, \"x\\\"y\"]\na = { z = true, y = \"q\" }\n");
  const std::string text = pipeline::to_toml(p);
  EXPECT_EQ(text, "a = { y = \"q\", z = true }\nb = [1, 2.5, \"x\\\"y\"]\n");
  EXPECT_EQ(pipeline::to_toml(params_from(text)), text);
}
