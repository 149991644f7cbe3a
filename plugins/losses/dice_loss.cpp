// loss.dice: soft Dice loss on sigmoid probabilities, as the reference paper's authors compute it.
//
//   p = sigmoid(logit); per image: dice = (2 * sum(p * g) + eps) / (sum(p) + sum(g) + eps)
//   loss = 1 - mean over the batch
//
// Per-image (not per-batch) Dice, so a batch with one nearly empty mask still weighs that
// image's thin crack as much as a wide one.
//
//   loss = { plugin = "dice", eps = 1e-7 }

#include "soft_dice.hpp"

#include <crackkd/loss.hpp>
#include <crackkd/plugin.hpp>

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
    return crackkd::plugins::soft_dice_loss(logits, target, options_.eps);
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(loss, dice, DiceLoss, "Soft Dice loss: 1 - mean per-image Dice of sigmoid(logits) and the mask")
