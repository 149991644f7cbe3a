// Stages that start from another stage's keys (framework/pipeline/stage_extends.hpp).

#include "pipeline/pipeline.hpp"
#include "pipeline_texts.hpp"
#include "runner/plan.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>

using namespace crackkd;
using crackkd::test::config_error;
using ::testing::HasSubstr;

namespace {

class StageExtends : public ::testing::Test {
 protected:
  pipeline::Pipeline load(const std::string& stages) {
    return pipeline::load_pipeline(dir_.write("p.toml", test::kTrainStageText + stages), {});
  }
  test::TempDir dir_;
  std::unique_ptr<host::PluginHost> host_ = test::make_host();
};

}  // namespace

TEST_F(StageExtends, AStageStartsFromAnotherStagesKeysAndOverridesSome) {
  const auto p = load(R"(
[stages.second]
extends = "train"
epochs = 1

[stages.third]
extends = "second"
loss = { plugin = "bce" }
)");
  const auto& third = p.stages.at("third");
  EXPECT_EQ(third.kind, "train");  // from stages.train, through second
  EXPECT_EQ(third.params.at("epochs").integer_value, 1);
  EXPECT_EQ(third.params.at("loss").table->at("plugin").string_value, "bce");
  EXPECT_EQ(third.params.at("model").string_value, "unet");
  EXPECT_EQ(third.params.at("model").where.line,
            test::line_starting(test::kTrainStageText, "model"));  // where it is written: stages.train
  EXPECT_FALSE(third.params.contains("extends"));
  EXPECT_EQ(p.stages.at("train").params.at("epochs").integer_value, 5);  // the extended stage is unchanged
  EXPECT_NO_THROW(runner::validate_pipeline(p, *host_));
}

TEST_F(StageExtends, AComponentNamingItsPluginIsNewAndOneWithoutAdjustsTheInheritedOne) {
  const auto p = load(R"(
[stages.second]
extends = "train"
loss = { plugin = "bce", pos_weight = 3.0 }

[stages.third]
extends = "second"
loss = { plugin = "dice" }

[stages.fourth]
extends = "second"
loss = { pos_weight = 5.0 }
)");
  EXPECT_FALSE(p.stages.at("third").params.at("loss").table->contains("pos_weight"));  // a new component
  const auto& fourth = *p.stages.at("fourth").params.at("loss").table;
  EXPECT_EQ(fourth.at("plugin").string_value, "bce");  // the inherited one, adjusted
  EXPECT_EQ(fourth.at("pos_weight").float_value, 5.0);
}

TEST_F(StageExtends, ExtendsThatCannotBeFollowedAreOneClearLine) {
  EXPECT_THAT(config_error([&] { load("\n[stages.second]\nextends = \"trian\"\n"); }),
              HasSubstr("p.toml:" + std::to_string(test::line_starting(test::kTrainStageText, "loss") + 3) +
                        ":11: stages.second.extends: no stage 'trian' (did you mean 'train'?)"));
  EXPECT_THAT(config_error([&] { load("\n[stages.a]\nextends = \"b\"\n\n[stages.b]\nextends = \"a\"\n"); }),
              HasSubstr("the stages extend each other: a → b → a"));
  EXPECT_THAT(config_error([&] { load("\n[stages.second]\nextends = [\"train\"]\n"); }),
              HasSubstr("stages.second.extends names the stage to start from"));
}
