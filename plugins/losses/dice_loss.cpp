// loss.dice: soft Dice loss on sigmoid probabilities, as the seed paper's authors compute it.
//
//   p = sigmoid(logit); per image: dice = (2 * sum(p * g) + eps) / (sum(p) + sum(g) + eps)
//   loss = 1 - mean over the batch
//
// Per-image (not per-batch) Dice, so a batch with one nearly empty mask still weighs that
// image's thin crack as much as a wide one.
//
//   loss = { plugin = "dice", eps = 1e-7 }

#include <crackkd/loss.hpp>
#include <crackkd/plugin.hpp>

#include <ATen/ATen.h>

namespace {

struct DiceLossOptions {
  double eps = 1e-7;
  static void declare(crackkd::OptionSchema<DiceLossOptions>& s) {
    s.optional("eps", &DiceLossOptions::eps, "smoothing term added to numerator and denominator").in_range(0.0, 1.0);
  }
};

class DiceLoss : public crackkd::Loss {
 public:
  using Options = DiceLossOptions;
  explicit DiceLoss(const Options& options) : options_(options) {}

  at::Tensor compute(const at::Tensor& logits, const at::Tensor& target) const override {
    TORCH_CHECK(logits.sizes() == target.sizes(), "dice: logits ", logits.sizes(), " and target ", target.sizes(),
                " differ in shape");
    const auto p = logits.sigmoid().flatten(1);
    const auto g = target.to(p.scalar_type()).flatten(1);
    const auto dice = (2 * (p * g).sum(1) + options_.eps) / (p.sum(1) + g.sum(1) + options_.eps);
    return 1 - dice.mean();
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(loss, dice, DiceLoss, "Soft Dice loss: 1 - mean per-image Dice of sigmoid(logits) and the mask")
