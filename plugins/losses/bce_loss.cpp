// loss.bce: binary cross-entropy on logits (numerically stable log-sigmoid form).
//
// Cracks cover ~4 % of a masonry patch, so an unweighted BCE learns "no crack" first;
// `pos_weight` scales the crack pixels' term (e.g. 10 to balance such data).
//
//   loss = { plugin = "bce", pos_weight = 1.0 }

#include <crackkd/loss.hpp>
#include <crackkd/plugin.hpp>

#include <ATen/ATen.h>

namespace {

struct BceLossOptions {
  double pos_weight = 1.0;
  static void declare(crackkd::OptionSchema<BceLossOptions>& s) {
    s.optional("pos_weight", &BceLossOptions::pos_weight, "weight of the crack (positive) pixels' term")
        .in_range(0.0, 1e6);
  }
};

class BceLoss : public crackkd::Loss {
 public:
  using Options = BceLossOptions;
  explicit BceLoss(const Options& options) : options_(options) {}

  at::Tensor compute(const at::Tensor& logits, const at::Tensor& target) const override {
    TORCH_CHECK(logits.sizes() == target.sizes(), "bce: logits ", logits.sizes(), " and target ", target.sizes(),
                " differ in shape");
    const auto g = target.to(logits.scalar_type());
    // -[w g log s(z) + (1 - g) log(1 - s(z))], with log s(z) = -softplus(-z), log(1 - s(z)) = -softplus(z).
    const auto loss = options_.pos_weight * g * at::softplus(-logits) + (1 - g) * at::softplus(logits);
    return loss.mean();
  }

 private:
  Options options_;
};

}  // namespace

CRACKKD_PLUGIN(loss, bce, BceLoss, "Binary cross-entropy on logits, with an optional weight for crack pixels")
