// The distillers through the plugin host, on tiny hand-made tensors.

#include "training/weighted_loss.hpp"
#include "test_support.hpp"

#include <crackkd/distiller.hpp>
#include <crackkd/loss.hpp>

#include <gmock/gmock.h>
#include <torch/torch.h>

#include <cmath>

using namespace crackkd;

namespace {

/// A stand-in model: only its feature channels matter to prepare().
class FakeModel : public SegmentationModel {
 public:
  explicit FakeModel(std::array<std::int64_t, 4> channels) : channels_(channels) {}
  ModelOutput forward(const at::Tensor&) override { return {}; }
  std::array<std::int64_t, 4> feature_channels() const override { return channels_; }

 private:
  std::array<std::int64_t, 4> channels_;
};

std::shared_ptr<Distiller> distiller(const std::string& name, const std::string& options,
                                     std::array<std::int64_t, 4> student = {2, 2, 2, 2},
                                     std::array<std::int64_t, 4> teacher = {2, 2, 2, 2}) {
  static auto host = test::make_host();
  auto d = host->create<Distiller>("distiller", test::component(name, options));
  d->set_ground_truth_loss(training::WeightedLoss(*host, {{test::component("dice"), 1.0}}));  // a stage's default
  d->prepare(FakeModel(teacher), FakeModel(student));
  return d;
}

ModelOutput outputs(std::array<std::int64_t, 4> channels, std::int64_t n = 2, double scale = 1.0) {
  ModelOutput o;
  o.logits = scale * torch::randn({n, 1, 8, 8});
  for (std::size_t i = 0; i < 4; ++i) o.features.push_back(torch::randn({n, channels[i], 8 >> i, 8 >> i}));
  return o;
}

Batch batch_of(std::int64_t n = 2, std::int64_t h = 8, std::int64_t w = 8) {
  return {torch::zeros({n, 3, h, w}), (torch::rand({n, 1, h, w}) > 0.7).to(torch::kFloat), {}};
}

double term(const LossTerms& terms, const std::string& name) {
  for (const auto& [n, v] : terms)
    if (n == name) return v.item<double>();
  ADD_FAILURE() << "no term " << name;
  return NAN;
}

}  // namespace

TEST(Distillers, KdTermsVanishWhenStudentEqualsTeacher) {
  torch::manual_seed(0);
  const auto out = outputs({2, 2, 2, 2});
  const auto batch = batch_of();
  auto rfkd = distiller("rfkd", "")->loss(out, out, batch);
  for (const char* name : {"feature1", "feature2", "feature3", "feature4", "logits"}) EXPECT_NEAR(term(rfkd, name), 0.0, 1e-6) << name;
  EXPECT_NEAR(term(distiller("nkd", "")->loss(out, out, batch), "kd"), 0.0, 1e-6);
  EXPECT_NEAR(term(distiller("cwd", "")->loss(out, out, batch), "cwd"), 0.0, 1e-6);
  auto dist = distiller("dist", "")->loss(out, out, batch);
  // Pearson's eps (1e-8) keeps rho just below 1 where p is near 0.5 (a near-zero centred row).
  EXPECT_NEAR(term(dist, "inter"), 0.0, 2e-3);
  EXPECT_NEAR(term(dist, "intra"), 0.0, 1e-6);
  // and are positive when they differ
  const auto other = outputs({2, 2, 2, 2});
  EXPECT_GT(term(distiller("rfkd", "")->loss(other, out, batch), "feature1"), 0.0);
  EXPECT_GT(term(distiller("nkd", "")->loss(other, out, batch), "kd"), 0.0);
  EXPECT_GT(term(distiller("cwd", "")->loss(other, out, batch), "cwd"), 0.0);
  auto dist_other = distiller("dist", "")->loss(other, out, batch);
  EXPECT_GT(term(dist_other, "intra"), 0.0);
  EXPECT_GT(term(dist_other, "inter"), 0.0);  // random logits: many pixels on opposite sides of 0.5
}

TEST(Rfkd, TotalIsTheHandComputedWeightedSum) {
  torch::manual_seed(1);
  const auto s = outputs({2, 2, 2, 2}), t = outputs({2, 2, 2, 2});
  const auto batch = batch_of();
  auto terms = distiller("rfkd", "feature_weights = [0.25, 0.5, 1.0, 2.0]\nlogit_weight = 3.0\ngt_weight = 0.5\n"
                                 "on = \"logits\"\nreduction = \"sum\"")->loss(s, t, batch);
  const double weights[] = {0.25, 0.5, 1.0, 2.0};
  double expected = 0;
  for (int i = 0; i < 4; ++i) {
    // Frobenius norm per image, averaged over the 2 images.
    const auto d = s.features[i] - t.features[i];
    double mean = 0;
    for (int n = 0; n < 2; ++n) mean += std::sqrt(d[n].pow(2).sum().item<double>()) / 2;
    EXPECT_NEAR(term(terms, "feature" + std::to_string(i + 1)), weights[i] * mean, 1e-4);
    expected += weights[i] * mean;
  }
  const auto dl = s.logits - t.logits;
  const double logit = (std::sqrt(dl[0].pow(2).sum().item<double>()) + std::sqrt(dl[1].pow(2).sum().item<double>())) / 2;
  EXPECT_NEAR(term(terms, "logits"), 3.0 * logit, 1e-4);
  const auto p = s.logits.sigmoid().flatten(1), g = batch.masks.flatten(1);
  const double dice = 1 - ((2 * (p * g).sum(1) + 1e-7) / (p.sum(1) + g.sum(1) + 1e-7)).mean().item<double>();
  EXPECT_NEAR(term(terms, "dice"), 0.5 * dice, 1e-5);
  double total = 0;
  for (const auto& [n, v] : terms) total += v.item<double>();
  EXPECT_NEAR(total, expected + 3.0 * logit + 0.5 * dice, 1e-3);
}

TEST(Rfkd, RowsDistanceAndProbabilities) {
  ModelOutput s, t;
  s.logits = torch::zeros({1, 1, 2, 2});
  t.logits = torch::tensor({3.0f, 4.0f, 0.0f, 0.0f}).view({1, 1, 2, 2});
  for (int i = 0; i < 4; ++i) s.features.push_back(torch::zeros({1, 2, 2, 2})), t.features.push_back(torch::zeros({1, 2, 2, 2}));
  // rows: norms of the two rows (3, 4) -> 5 and (0, 0) -> 0; mean 2.5.
  const auto logits_of = [&](const std::string& options) {
    return term(distiller("rfkd", options)->loss(s, t, batch_of(1, 2, 2)), "logits");
  };
  // rows: norms of the two rows (3, 4) -> 5 and (0, 0) -> 0; mean 2.5, sum 5.
  EXPECT_NEAR(logits_of("distance = \"rows\"\non = \"logits\""), 2.5, 1e-6);
  EXPECT_NEAR(logits_of("distance = \"rows\"\non = \"logits\"\nreduction = \"sum\""), 5.0, 1e-6);
  // frobenius: the norm 5, or its root-mean-square over the 4 elements, 5 / 2.
  EXPECT_NEAR(logits_of("on = \"logits\"\nreduction = \"sum\""), 5.0, 1e-6);
  EXPECT_NEAR(logits_of("on = \"logits\""), 2.5, 1e-6);
  // the default: probabilities, RMS.
  const double p3 = 1 / (1 + std::exp(-3.0)) - 0.5, p4 = 1 / (1 + std::exp(-4.0)) - 0.5;
  EXPECT_NEAR(logits_of(""), std::sqrt((p3 * p3 + p4 * p4) / 4), 1e-6);
}

TEST(Distillers, HandComputedNkdCwdAtTemperatureOne) {
  ModelOutput s, t;
  s.logits = torch::zeros({1, 1, 1, 2});
  t.logits = torch::tensor({0.0f, static_cast<float>(std::log(3.0))}).view({1, 1, 1, 2});
  const auto batch = batch_of(1, 1, 2);
  // NKD, T = 1: pixel 2 has qt = 0.75, qs = 0.5: KL = 0.75 ln 1.5 + 0.25 ln 0.5; pixel 1: 0.
  const double kl = 0.75 * std::log(1.5) + 0.25 * std::log(0.5);
  EXPECT_NEAR(term(distiller("nkd", "")->loss(s, t, batch), "kd"), kl / 2, 1e-6);
  // CWD, tau = 1: teacher spatial softmax (0.25, 0.75) against (0.5, 0.5); weight 5.
  EXPECT_NEAR(term(distiller("cwd", "stride = 1")->loss(s, t, batch), "cwd"), 5 * (0.25 * std::log(0.5) + 0.75 * std::log(1.5)), 1e-5);
}

TEST(Distillers, HandComputedNkdCwdAtHigherTemperatures) {
  // Two images of 1 x 2 pixels. Image 0: student logits (2 ln 3, 0), teacher (0, 2 ln 3);
  // image 1: all zeros for both, so it adds nothing but counts in the means. At T = 2,
  // z / T = ln 3 or 0: sigmoid gives 0.75 or 0.5, a two-way softmax (0.75, 0.25). At T = 4
  // the same with the logits doubled: the same distributions, so only T^2 changes.
  const auto make = [](double scale) {
    const float l3 = static_cast<float>(scale * 2 * std::log(3.0));
    ModelOutput s, t;
    s.logits = torch::tensor({l3, 0.0f, 0.0f, 0.0f}).view({2, 1, 1, 2});
    t.logits = torch::tensor({0.0f, l3, 0.0f, 0.0f}).view({2, 1, 1, 2});
    return std::make_pair(s, t);
  };
  const auto batch = batch_of(2, 1, 2);
  const auto [s2, t2] = make(1.0);
  const auto [s4, t4] = make(2.0);

  // NKD: qs = (0.75, 0.5 | 0.5, 0.5), qt = (0.5, 0.75 | 0.5, 0.5).
  //   pixel 1: 0.5 ln(0.5 / 0.75) + 0.5 ln(0.5 / 0.25) = 0.5 ln(4/3)
  //   pixel 2: 0.75 ln(0.75 / 0.5) + 0.25 ln(0.25 / 0.5) = 0.75 ln 1.5 + 0.25 ln 0.5
  //   pixels 3, 4: 0.     loss = T^2 * (sum / 4 pixels)
  // (Without the temperature inside the sigmoid qs would be 0.9 or 0.96; without T^2 the
  // value would be 4 or 16 times smaller.)
  const double kl = 0.5 * std::log(4.0 / 3.0) + 0.75 * std::log(1.5) + 0.25 * std::log(0.5);
  EXPECT_NEAR(term(distiller("nkd", "temperature = 2.0")->loss(s2, t2, batch), "kd"), 4 * kl / 4, 1e-6);
  EXPECT_NEAR(term(distiller("nkd", "temperature = 4.0")->loss(s4, t4, batch), "kd"), 16 * kl / 4, 1e-5);
  EXPECT_NEAR(term(distiller("nkd", "temperature = 4.0\nkd_weight = 0.5")->loss(s4, t4, batch), "kd"), 0.5 * 16 * kl / 4,
              1e-5);

  // CWD: per image, a softmax over its two positions. Image 0: phi_s = (0.75, 0.25),
  // phi_t = (0.25, 0.75): KL = 0.25 ln(1/3) + 0.75 ln 3 = 0.5 ln 3; image 1: uniform for
  // both, 0. loss = weight 5 * tau^2 * (0.5 ln 3 + 0) / (N * C = 2).
  // (A softmax over the whole batch's 4 positions, or no tau inside, gives other values.)
  EXPECT_NEAR(term(distiller("cwd", "tau = 2.0\nstride = 1")->loss(s2, t2, batch), "cwd"), 5 * 4 * 0.5 * std::log(3.0) / 2, 1e-5);
  EXPECT_NEAR(term(distiller("cwd", "tau = 4.0\nstride = 1")->loss(s4, t4, batch), "cwd"), 5 * 16 * 0.5 * std::log(3.0) / 2, 1e-4);
  EXPECT_NEAR(term(distiller("cwd", "tau = 4.0\nkd_weight = 1.0\nstride = 1")->loss(s4, t4, batch), "cwd"), 16 * 0.5 * std::log(3.0) / 2,
              1e-5);
}

TEST(Distillers, CwdComparesTheLogitMapsAtTheHeadsStride) {
  // 1 x 8 logits made of two 4-wide cells whose means are the 1 x 2 maps of the test above
  // (teacher 0 | ln 3, student 0 | 0), but whose pixels differ inside each cell: pooled
  // to stride 4 (the default) the KL is that test's value; at stride 1 it is another.
  ModelOutput s, t;
  const float l3 = static_cast<float>(std::log(3.0));
  s.logits = torch::tensor({-1.0f, 1.0f, -1.0f, 1.0f, 2.0f, -2.0f, 2.0f, -2.0f}).view({1, 1, 1, 8}).repeat({1, 1, 4, 1});
  t.logits = torch::tensor({0.0f, 0.0f, 0.0f, 0.0f, l3, l3, l3, l3}).view({1, 1, 1, 8}).repeat({1, 1, 4, 1});
  const auto batch = batch_of(1, 4, 8);
  const double pooled = 5 * (0.25 * std::log(0.5) + 0.75 * std::log(1.5));
  EXPECT_NEAR(term(distiller("cwd", "")->loss(s, t, batch), "cwd"), pooled, 1e-5);
  EXPECT_GT(std::abs(term(distiller("cwd", "stride = 1")->loss(s, t, batch), "cwd") - pooled), 0.1);
}

TEST(Dist, HandComputedInterAndIntraOnNonConstantProbabilities) {
  // Two images of 1 x 2 pixels; logits chosen so that the probabilities are
  //   student ps = (0.2, 0.4 | 0.6, 0.8), teacher pt = (0.1, 0.6 | 0.7, 0.6).
  const auto logit = [](double p) { return static_cast<float>(std::log(p / (1 - p))); };
  ModelOutput s, t;
  s.logits = torch::tensor({logit(0.2), logit(0.4), logit(0.6), logit(0.8)}).view({2, 1, 1, 2});
  t.logits = torch::tensor({logit(0.1), logit(0.6), logit(0.7), logit(0.6)}).view({2, 1, 1, 2});
  const auto batch = batch_of(2, 1, 2);
  // Rows are pixels (1 - p, p); centred, (0.5 - p, p - 0.5), so rho(row_s, row_t) is the
  // sign of (ps - 0.5)(pt - 0.5) (times |a||b| / (|a||b| + 1e-8), at least 1 - 5e-7 here):
  //   (0.2, 0.1): +1   (0.4, 0.6): -1   (0.6, 0.7): +1   (0.8, 0.6): +1
  //   inter = 1 - mean = 1 - 2/4 = 0.5
  const double inter = 0.5;
  // Columns are the classes over all 4 pixels of the batch: column 1 is p, column 0 is
  // 1 - p, which has the same correlation. ps - mean = (-0.3, -0.1, 0.1, 0.3), |.|^2 = 0.2;
  // pt - mean = (-0.4, 0.1, 0.2, 0.1), |.|^2 = 0.22; dot = 0.12 - 0.01 + 0.02 + 0.03 = 0.16.
  //   intra = 1 - 0.16 / sqrt(0.2 * 0.22) = 0.23723
  // (Per image instead of over the batch, each 2-pixel column correlates +1 and -1: 1.0.)
  const double intra = 1 - 0.16 / std::sqrt(0.2 * 0.22);
  auto dist = distiller("dist", "")->loss(s, t, batch);
  EXPECT_NEAR(term(dist, "inter"), inter, 1e-5);
  EXPECT_NEAR(term(dist, "intra"), intra, 1e-5);
  EXPECT_GT(term(dist, "inter"), 0.1);  // the student and the teacher differ in sign at one pixel
  // beta and gamma weight the two terms.
  auto weighted = distiller("dist", "beta = 2.0\ngamma = 3.0")->loss(s, t, batch);
  EXPECT_NEAR(term(weighted, "inter"), 2 * inter, 2e-5);
  EXPECT_NEAR(term(weighted, "intra"), 3 * intra, 3e-5);
  // At tau = 2 with the logits doubled the probabilities are the same: only the published
  // tau^2 factor changes the terms.
  ModelOutput s2, t2;
  s2.logits = s.logits * 2;
  t2.logits = t.logits * 2;
  auto hot = distiller("dist", "tau = 2.0")->loss(s2, t2, batch);
  EXPECT_NEAR(term(hot, "inter"), 4 * inter, 4e-5);
  EXPECT_NEAR(term(hot, "intra"), 4 * intra, 4e-5);
}

TEST(Dist, ConstantStudentCorrelatesWithNothing) {
  ModelOutput s, t;
  s.logits = torch::zeros({1, 1, 1, 2});
  t.logits = torch::tensor({0.0f, static_cast<float>(std::log(3.0))}).view({1, 1, 1, 2});
  // ps = (0.5, 0.5) is constant, so every Pearson correlation with it is 0.
  auto dist = distiller("dist", "")->loss(s, t, batch_of(1, 1, 2));
  EXPECT_NEAR(term(dist, "inter"), 1.0, 1e-6);
  EXPECT_NEAR(term(dist, "intra"), 1.0, 1e-6);
}

TEST(Distillers, GradientsReachStudentAndConnectorsNeverTheTeacher) {
  for (const char* name : {"rfkd", "nkd", "cwd", "dist"}) {
    SCOPED_TRACE(name);
    torch::manual_seed(2);
    auto d = distiller(name, "", {2, 3, 4, 5}, {4, 3, 6, 5});
    auto s = outputs({2, 3, 4, 5}), t = outputs({4, 3, 6, 5});
    for (auto& f : s.features) f.requires_grad_(true);
    s.logits.requires_grad_(true);
    for (auto& f : t.features) f.requires_grad_(true);
    t.logits.requires_grad_(true);
    // Only the distillation terms: Dice on the ground truth reaches the student anyway.
    torch::Tensor total;
    for (const auto& [n, v] : d->loss(s, t, batch_of()))
      if (n != "dice") total = total.defined() ? total + v : v;
    ASSERT_TRUE(total.defined());
    total.backward();
    ASSERT_TRUE(s.logits.grad().defined());
    EXPECT_GT(s.logits.grad().abs().sum().item<double>(), 0.0);
    for (const auto& f : t.features) EXPECT_FALSE(f.grad().defined());
    EXPECT_FALSE(t.logits.grad().defined());
    const auto params = d->named_parameters();
    if (std::string(name) == "rfkd") {
      for (const auto& f : s.features) {
        ASSERT_TRUE(f.grad().defined());
        EXPECT_GT(f.grad().abs().sum().item<double>(), 0.0);
      }
      EXPECT_EQ(params.size(), 4u);  // 1x1 connectors where channels differ: features 1 and 3, weight + bias
    } else {
      EXPECT_EQ(params.size(), 0u);  // logit-only: no connectors
    }
    for (const auto& p : params) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
    }
  }
}

TEST(Distillers, TheGroundTruthTermsAreTheStagesLossScaledByGtWeight) {
  torch::manual_seed(4);
  auto host = test::make_host();
  const auto s = outputs({2, 2, 2, 2}), t = outputs({2, 2, 2, 2});
  const auto batch = batch_of();
  const WeightedComponents stage_loss{{test::component("bce"), 2.0}, {test::component("tversky"), 1.0}};
  const auto bce = host->create<Loss>("loss", test::component("bce"))->compute(s.logits, batch.masks).item<double>();
  for (const char* name : {"rfkd", "nkd", "cwd", "dist"}) {
    auto d = host->create<Distiller>("distiller", test::component(name, "gt_weight = 0.5"));
    d->set_ground_truth_loss(training::WeightedLoss(*host, stage_loss));
    d->prepare(FakeModel({2, 2, 2, 2}), FakeModel({2, 2, 2, 2}));
    const auto terms = d->loss(s, t, batch);
    EXPECT_NEAR(term(terms, "bce"), 0.5 * 2.0 * bce, 1e-6) << name;
    EXPECT_GT(term(terms, "tversky"), 0.0) << name;
    for (const auto& [n, v] : terms) EXPECT_NE(n, "dice") << name;
  }
}

TEST(Distillers, WithoutAGroundTruthLossTheyNameWhatIsMissing) {
  auto host = test::make_host();
  auto d = host->create<Distiller>("distiller", test::component("nkd"));
  d->prepare(FakeModel({2, 2, 2, 2}), FakeModel({2, 2, 2, 2}));
  const auto out = outputs({2, 2, 2, 2});
  EXPECT_THAT(test::error_of([&] { d->loss(out, out, batch_of()); }), ::testing::HasSubstr("no ground-truth loss was set"));
}
