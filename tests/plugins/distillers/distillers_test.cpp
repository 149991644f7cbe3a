// The distillers through the plugin host, on tiny hand-made tensors.

#include "test_support.hpp"

#include <crackkd/distiller.hpp>

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
  EXPECT_GT(term(distiller("dist", "")->loss(other, out, batch), "intra"), 0.0);
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

TEST(Distillers, HandComputedNkdCwdDist) {
  ModelOutput s, t;
  s.logits = torch::zeros({1, 1, 1, 2});
  t.logits = torch::tensor({0.0f, static_cast<float>(std::log(3.0))}).view({1, 1, 1, 2});
  const auto batch = batch_of(1, 1, 2);
  // NKD, T = 1: pixel 2 has qt = 0.75, qs = 0.5: KL = 0.75 ln 1.5 + 0.25 ln 0.5; pixel 1: 0.
  const double kl = 0.75 * std::log(1.5) + 0.25 * std::log(0.5);
  EXPECT_NEAR(term(distiller("nkd", "")->loss(s, t, batch), "kd"), kl / 2, 1e-6);
  // CWD, tau = 1: teacher spatial softmax (0.25, 0.75) against (0.5, 0.5); weight 5.
  EXPECT_NEAR(term(distiller("cwd", "")->loss(s, t, batch), "cwd"), 5 * (0.25 * std::log(0.5) + 0.75 * std::log(1.5)), 1e-5);
  // DIST: ps = (0.5, 0.5) is constant, so every Pearson correlation with it is 0.
  auto dist = distiller("dist", "")->loss(s, t, batch);
  EXPECT_NEAR(term(dist, "inter"), 1.0, 1e-6);
  EXPECT_NEAR(term(dist, "intra"), 1.0, 1e-6);
}

TEST(Distillers, GradientsReachStudentAndConnectorsNeverTheTeacher) {
  torch::manual_seed(2);
  auto rfkd = distiller("rfkd", "", {2, 3, 4, 5}, {4, 3, 6, 5});
  auto s = outputs({2, 3, 4, 5}), t = outputs({4, 3, 6, 5});
  for (auto& f : s.features) f.requires_grad_(true);
  s.logits.requires_grad_(true);
  for (auto& f : t.features) f.requires_grad_(true);
  t.logits.requires_grad_(true);
  torch::Tensor total;
  for (const auto& [n, v] : rfkd->loss(s, t, batch_of())) total = total.defined() ? total + v : v;
  total.backward();
  for (const auto& f : s.features) EXPECT_TRUE(f.grad().defined());
  EXPECT_TRUE(s.logits.grad().defined());
  for (const auto& f : t.features) EXPECT_FALSE(f.grad().defined());
  EXPECT_FALSE(t.logits.grad().defined());
  const auto params = rfkd->named_parameters();
  EXPECT_EQ(params.size(), 4u);  // 1x1 connectors where channels differ: features 1 and 3, weight + bias
  for (const auto& p : params) EXPECT_TRUE(p.value().grad().defined()) << p.key();
}
