// A stage's `loss`: one loss or a weighted sum, parsed as users write it.

#include "stages/training_stage.hpp"
#include "test_support.hpp"
#include "training/weighted_loss.hpp"

#include <ATen/ATen.h>
#include <gmock/gmock.h>

using namespace crackkd;
using ::testing::HasSubstr;

namespace {

struct LossOption {
  WeightedComponents loss{{ComponentConfig{"dice", Params("loss", {}), {}}, 1.0}};
  static void declare(OptionSchema<LossOption>& s) { s.optional("loss", &LossOption::loss, "the loss").kind("loss"); }
};

WeightedComponents parse(const std::string& toml) { return parse_options<LossOption>(test::params_from(toml)).loss; }

host::PluginHost& shared_host() {
  static auto host = test::make_host();
  return *host;
}

}  // namespace

TEST(WeightedLoss, TermsAreNamedByPluginAndScaledByTheirWeight) {
  const auto terms = parse("loss = [{ plugin = \"dice\" }, { plugin = \"bce\", weight = 0.5, pos_weight = 4 }]");
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[1].weight, 0.5);
  EXPECT_FALSE(terms[1].component.params.contains("weight"));  // the plugin never sees it
  const auto logits = at::randn({2, 1, 6, 6});
  const auto masks = (at::rand({2, 1, 6, 6}) > 0.7).to(at::kFloat);
  const auto values = training::WeightedLoss(shared_host(), terms)(logits, masks);
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].first, "dice");
  EXPECT_EQ(values[1].first, "bce");
  const auto bce = shared_host().create<Loss>("loss", test::component("bce", "pos_weight = 4"));
  EXPECT_NEAR(values[1].second.item<double>(), 0.5 * bce->compute(logits, masks).item<double>(), 1e-7);
}

TEST(WeightedLoss, TheDefaultIsExactlyTheDicePlugin) {
  const auto terms = parse("");
  const auto logits = at::randn({2, 1, 6, 6});
  const auto masks = (at::rand({2, 1, 6, 6}) > 0.7).to(at::kFloat);
  const auto values = training::WeightedLoss(shared_host(), terms)(logits, masks);
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].first, "dice");
  const auto dice = shared_host().create<Loss>("loss", test::component("dice"));
  EXPECT_TRUE(at::equal(values[0].second, dice->compute(logits, masks)));
  EXPECT_EQ(parse("loss = \"bce\"")[0].component.plugin, "bce");
  EXPECT_EQ(parse("loss = { plugin = \"focal\", weight = 2 }")[0].weight, 2.0);
}

TEST(WeightedLoss, BadSumsAreNamedWhereTheyAre) {
  EXPECT_THAT(test::config_error([] { parse("loss = []"); }), HasSubstr("loss: an empty array"));
  EXPECT_THAT(test::config_error([] { parse("loss = [{ plugin = \"dice\", weight = -1 }]"); }),
              HasSubstr("loss[0].weight: -1.0 is not a number >= 0"));
  EXPECT_THAT(test::config_error([] { parse("loss = [{ plugin = \"dice\", weight = \"1\" }]"); }),
              HasSubstr("loss[0].weight: expected a number"));
  EXPECT_THAT(test::config_error([] { parse("loss = [\"dice\", { plugin = \"dice\", weight = 2 }]"); }),
              HasSubstr("loss[1]: \"dice\" is already a term of this sum"));
  EXPECT_THAT(test::config_error([] { parse("loss = [{ weight = 2 }]"); }), HasSubstr("needs a 'plugin' key"));
  EXPECT_THAT(test::config_error([] { parse("loss = [{ plugin = \"dice\" }]\n"); parse("loss = 3"); }),
              HasSubstr("loss: expected a component"));
}

TEST(WeightedLoss, ATermsOptionsAreCheckedByItsPlugin) {
  stages::StagePlan plan;
  const auto terms = parse("loss = [\"dice\", { plugin = \"bce\", weight = 1, pos_wieght = 3 }]");
  EXPECT_THAT(test::config_error([&] { stages::plan_weighted_loss(terms, shared_host(), plan); }),
              HasSubstr("pos_wieght"));
  EXPECT_THAT(test::error_of([&] { stages::plan_weighted_loss(parse("loss = [\"dcie\"]"), shared_host(), plan); }),
              HasSubstr("unknown loss plugin 'dcie'"));
}
