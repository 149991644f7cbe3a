// loss.tversky: the Tversky loss (Salehi et al., 2017), a Dice that weighs misses and
// false alarms apart, with the focal exponent of Abraham & Khan (2019). Per image, on
// p = sigmoid(z) and the mask g:
//
//   TP = sum p g;  FP = sum p (1 - g);  FN = sum (1 - p) g
//   TI = (TP + eps) / (TP + alpha FP + beta FN + eps)
//   loss = mean over the batch of (1 - TI)^gamma
//
// alpha = beta = 0.5 and gamma = 1 is the soft Dice loss. beta > alpha punishes missed
// crack pixels more than false ones: the defaults (0.3, 0.7) are Salehi's, for thin
// structures where a Dice-trained model under-segments. gamma < 1 (Abraham & Khan use
// 0.75) keeps the gradient up on images that are already nearly right.
//
//   loss = { plugin = "tversky", alpha = 0.3, beta = 0.7, gamma = 1.0 }

#include <crackkd/loss.hpp>
#include <crackkd/plugin.hpp>

#include <ATen/ATen.h>

namespace {

struct TverskyLossOptions {
  double alpha = 0.3;
  double beta = 0.7;
  double gamma = 1.0;
  double eps = 1e-7;
  static void declare(crackkd::OptionSchema<TverskyLossOptions>& s) {
    s.optional("alpha", &TverskyLossOptions::alpha, "weight of false positives (background called crack)")
        .in_range(0.0, 1e3);
    s.optional("beta", &TverskyLossOptions::beta, "weight of false negatives (missed crack)").in_range(0.0, 1e3);
    s.optional("gamma", &TverskyLossOptions::gamma, "exponent on 1 - TI (focal Tversky below 1)").in_range(0.1, 10.0);
    s.optional("eps", &TverskyLossOptions::eps, "smoothing term added to numerator and denominator").in_range(0.0, 1.0);
  }
};

class TverskyLoss : public crackkd::Loss {
 public:
  using Options = TverskyLossOptions;
  explicit TverskyLoss(const Options& options) : options_(options) {}

  at::Tensor compute(const at::Tensor& logits, const at::Tensor& target) const override {
    TORCH_CHECK(logits.sizes() == target.sizes(), "tversky: logits ", logits.sizes(), " and target ", target.sizes(),
                " differ in shape");
    const auto p = logits.sigmoid().flatten(1);
    const auto g = target.to(p.scalar_type()).flatten(1);
    const auto tp = (p * g).sum(1);
    const auto fp = (p * (1 - g)).sum(1);
    const auto fn = ((1 - p) * g).sum(1);
    const auto index = (tp + options_.eps) / (tp + options_.alpha * fp + options_.beta * fn + options_.eps);
    // clamp: rounding can put TI a hair above 1, and a fractional power of a negative is NaN.
    const auto miss = (1 - index).clamp_min(0);
    return (options_.gamma == 1.0 ? miss : miss.pow(options_.gamma)).mean();
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(loss, tversky, TverskyLoss, "Tversky loss: a Dice weighing false positives and misses apart")
