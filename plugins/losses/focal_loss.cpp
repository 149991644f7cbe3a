// loss.focal: the focal loss (Lin et al., ICCV 2017) on logits. Easy pixels - most of a
// crack image's background - are down-weighted by (1 - p_t)^gamma, so the few crack
// pixels and the hard edges drive training:
//
//   p = sigmoid(z); p_t = p where g = 1, 1 - p where g = 0; alpha_t likewise alpha, 1 - alpha
//   loss = mean over pixels of -alpha_t (1 - p_t)^gamma log(p_t)
//
// gamma = 0 and alpha = 0.5 give half the binary cross-entropy. Defaults are the paper's
// (alpha 0.25, gamma 2); alpha weighs the crack class, so thin-crack data with ~3 % crack
// pixels often does better with alpha = 0.75. log p_t is computed stably as -softplus.
//
//   loss = { plugin = "focal", alpha = 0.25, gamma = 2.0 }

#include <crackkd/loss.hpp>
#include <crackkd/plugin.hpp>

#include <ATen/ATen.h>

namespace {

struct FocalLossOptions {
  double alpha = 0.25;
  double gamma = 2.0;
  static void declare(crackkd::OptionSchema<FocalLossOptions>& s) {
    s.optional("alpha", &FocalLossOptions::alpha, "weight of the crack class (1 - alpha: background)").in_range(0.0, 1.0);
    s.optional("gamma", &FocalLossOptions::gamma, "focusing exponent on (1 - p_t); 0 = weighted cross-entropy")
        .in_range(0.0, 10.0);
  }
};

class FocalLoss : public crackkd::Loss {
 public:
  using Options = FocalLossOptions;
  explicit FocalLoss(const Options& options) : options_(options) {}

  at::Tensor compute(const at::Tensor& logits, const at::Tensor& target) const override {
    TORCH_CHECK(logits.sizes() == target.sizes(), "focal: logits ", logits.sizes(), " and target ", target.sizes(),
                " differ in shape");
    const auto g = target.to(logits.scalar_type());
    const auto p = logits.sigmoid();
    // Written for soft targets too: the crack term weighted by g, the background's by 1 - g.
    const auto crack = options_.alpha * (1 - p).pow(options_.gamma) * at::softplus(-logits);
    const auto background = (1 - options_.alpha) * p.pow(options_.gamma) * at::softplus(logits);
    return (g * crack + (1 - g) * background).mean();
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(loss, focal, FocalLoss, "Focal loss on logits: cross-entropy down-weighted on easy pixels")
