#include "test_support.hpp"

#include <gmock/gmock.h>

using namespace crackkd;
using crackkd::test::config_error;
using crackkd::test::params_from;
using ::testing::HasSubstr;

namespace {

struct ExampleOptions {
  std::string root;
  std::int64_t channels = 16;
  double rate = 0.5;
  bool cache = true;
  std::string mode = "fast";
  std::vector<double> weights = {0.25, 0.25};
  ComponentConfig loss{"dice", {}, {}};
  static void declare(OptionSchema<ExampleOptions>& s) {
    s.required("root", &ExampleOptions::root, "a folder");
    s.optional("channels", &ExampleOptions::channels, "width").in_range(1, 512);
    s.optional("rate", &ExampleOptions::rate, "a rate").in_range(0.0, 1.0);
    s.optional("cache", &ExampleOptions::cache, "cache?");
    s.optional("mode", &ExampleOptions::mode, "mode").one_of({"fast", "exact"});
    s.optional("weights", &ExampleOptions::weights, "weights").size_is(2).in_range(0.0, 1.0);
    s.optional("loss", &ExampleOptions::loss, "a loss").kind("loss");
  }
};

}  // namespace

TEST(Options, DefaultsFillWhatIsNotGiven) {
  auto o = parse_options<ExampleOptions>(params_from("root = \"/data\""));
  EXPECT_EQ(o.root, "/data");
  EXPECT_EQ(o.channels, 16);
  EXPECT_DOUBLE_EQ(o.rate, 0.5);
  EXPECT_TRUE(o.cache);
  EXPECT_EQ(o.loss.plugin, "dice");
}

TEST(Options, ReadsEveryType) {
  auto o = parse_options<ExampleOptions>(params_from(
      "root = \"r\"\nchannels = 32\nrate = 1\ncache = false\nmode = \"exact\"\nweights = [0.5, 1]\n"
      "loss = { plugin = \"bce\", pos_weight = 3.0 }"));
  EXPECT_EQ(o.channels, 32);
  EXPECT_DOUBLE_EQ(o.rate, 1.0);  // an integer is a valid float
  EXPECT_FALSE(o.cache);
  EXPECT_EQ(o.mode, "exact");
  EXPECT_EQ(o.weights, (std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(o.loss.plugin, "bce");
  EXPECT_TRUE(o.loss.params.contains("pos_weight"));
  EXPECT_FALSE(o.loss.params.contains("plugin"));
}

TEST(Options, ComponentMayBeJustAName) {
  auto o = parse_options<ExampleOptions>(params_from("root = \"r\"\nloss = \"bce\""));
  EXPECT_EQ(o.loss.plugin, "bce");
  EXPECT_TRUE(o.loss.params.entries().empty());
}

TEST(Options, UnknownKeyNamesFileLineAndClosestKey) {
  auto message = config_error([] { parse_options<ExampleOptions>(params_from("root = \"r\"\nchanels = 3")); });
  EXPECT_EQ(message, "test.toml:2:11: unknown key 'chanels' (did you mean 'channels'?)");
}

TEST(Options, WrongTypeNamesKeyAndValue) {
  auto message = config_error([] { parse_options<ExampleOptions>(params_from("root = \"r\"\nchannels = \"wide\"")); });
  EXPECT_EQ(message, "test.toml:2:12: channels: expected an integer, got string \"wide\"");
}

TEST(Options, MissingRequiredKey) {
  auto message = config_error([] { parse_options<ExampleOptions>(params_from("channels = 3")); });
  EXPECT_THAT(message, HasSubstr("missing required key 'root'"));
}

TEST(Options, RangeChoiceAndSizeChecks) {
  EXPECT_THAT(config_error([] { parse_options<ExampleOptions>(params_from("root = \"r\"\nrate = 1.5")); }),
              HasSubstr("rate: 1.5 is outside [0.0, 1.0]"));
  EXPECT_THAT(config_error([] { parse_options<ExampleOptions>(params_from("root = \"r\"\nmode = \"exakt\"")); }),
              HasSubstr("mode: \"exakt\" is not one of fast|exact (did you mean 'exact'?)"));
  EXPECT_THAT(config_error([] { parse_options<ExampleOptions>(params_from("root = \"r\"\nweights = [0.5]")); }),
              HasSubstr("weights: expected 2 entries, got 1"));
  EXPECT_THAT(config_error([] { parse_options<ExampleOptions>(params_from("root = \"r\"\nweights = [0.5, \"x\"]")); }),
              HasSubstr("weights[1]: expected a number, got string \"x\""));
}

TEST(Options, DescribeListsTypesDefaultsAndConstraints) {
  auto info = describe_options<ExampleOptions>();
  ASSERT_EQ(info.size(), 7u);
  EXPECT_EQ(info[0].key, "root");
  EXPECT_TRUE(info[0].required);
  EXPECT_EQ(info[1].type, "integer");
  EXPECT_EQ(info[1].default_text, "16");
  EXPECT_EQ(info[1].constraint, "in [1, 512]");
  EXPECT_EQ(info[5].type, "array of float");
  EXPECT_EQ(info[5].default_text, "[0.25, 0.25]");
  EXPECT_EQ(info[6].type, "loss component");
  EXPECT_EQ(info[6].default_text, "\"dice\"");
}

TEST(Options, DidYouMeanOffersOnlyCloseNames) {
  EXPECT_EQ(did_you_mean("synthetic", {"synthetic_cracks", "folder"}), " (did you mean 'synthetic_cracks'?)");
  EXPECT_EQ(did_you_mean("xyz", {"synthetic_cracks", "folder"}), "");
}

namespace {

struct SharedGroup {
  std::int64_t epochs = 3;
  template <class O> static void declare_group(OptionSchema<O>& s) {
    s.optional("epochs", &SharedGroup::epochs, "shared by several structs").in_range(1, 10);
  }
};

struct WithGroup : SharedGroup {
  std::string name = "x";
  static void declare(OptionSchema<WithGroup>& s) {
    s.optional("name", &WithGroup::name, "own key");
    declare_group(s);
  }
};

}  // namespace

TEST(Options, GroupsDeclaredInABaseStructAreParsedAndChecked) {
  auto o = parse_options<WithGroup>(params_from("epochs = 7\nname = \"y\""));
  EXPECT_EQ(o.epochs, 7);
  EXPECT_EQ(o.name, "y");
  EXPECT_EQ(parse_options<WithGroup>(params_from("")).epochs, 3);
  EXPECT_THAT(config_error([] { parse_options<WithGroup>(params_from("epochs = 11")); }),
              HasSubstr("epochs: 11 is outside [1, 10]"));
  EXPECT_EQ(describe_options<WithGroup>().size(), 2u);
}

namespace {

struct Mix {
  std::int64_t clean = 2;
  std::vector<std::string> noises;
  static void declare(OptionSchema<Mix>& s) {
    s.optional("clean", &Mix::clean, "share").in_range(1, 10);
    s.required("noises", &Mix::noises, "names");
  }
};

struct WithTable {
  std::optional<Mix> mix;
  static void declare(OptionSchema<WithTable>& s) { s.optional("mix", &WithTable::mix, "a table of options, {} = none"); }
};

}  // namespace

TEST(Options, AnOptionalTableOfOptionsIsParsedOnceWithItsOwnChecks) {
  const auto o = parse_options<WithTable>(params_from("mix = { clean = 3, noises = [\"salt\"] }"));
  ASSERT_TRUE(o.mix.has_value());
  EXPECT_EQ(o.mix->clean, 3);
  EXPECT_EQ(o.mix->noises, (std::vector<std::string>{"salt"}));
  EXPECT_FALSE(parse_options<WithTable>(params_from("mix = {}")).mix.has_value());
  EXPECT_FALSE(parse_options<WithTable>(params_from("")).mix.has_value());
  EXPECT_THAT(config_error([] { parse_options<WithTable>(params_from("mix = { clean = 0, noises = [] }")); }),
              HasSubstr("mix.clean: 0 is outside [1, 10]"));
  EXPECT_THAT(config_error([] { parse_options<WithTable>(params_from("mix = { clean = 3 }")); }),
              HasSubstr("missing required key 'mix.noises'"));
  EXPECT_THAT(config_error([] { parse_options<WithTable>(params_from("mix = 3")); }), HasSubstr("mix: expected a table"));
  const auto info = describe_options<WithTable>();
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].type, "table");
  EXPECT_EQ(info[0].default_text, "{}");
}
