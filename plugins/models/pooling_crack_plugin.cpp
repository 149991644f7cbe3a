// The models plugin: PoolingCrack and PoolingCrack-Tiny (pooling_crack_model.hpp), each
// starting its encoder from a timm PoolFormer when `encoder_weights` names one:
//
//   [models.teacher]
//   plugin              = "poolingcrack"
//   encoder_weights     = "poolformer_s36.pt"
//   input_normalisation = "imagenet"

#include "pooling_crack_model.hpp"
#include "poolformer_weights.hpp"

#include <crackkd/plugin.hpp>

#include <spdlog/spdlog.h>

namespace {

using crackkd::models::Variant;

/// The registered model: PoolingCrackModel plus its `encoder_weights`, read here rather
/// than in the header because the reader and the log are not part of the LibTorch-only
/// build (tests/gpu) that uses the header.
template <Variant V>
class PretrainedPoolingCrack : public crackkd::models::PoolingCrackModel<V> {
 public:
  using Options = typename crackkd::models::PoolingCrackModel<V>::Options;

  explicit PretrainedPoolingCrack(const Options& o) : crackkd::models::PoolingCrackModel<V>(o) {
    if (o.encoder_weights.empty()) return;
    const auto load = crackkd::models::load_poolformer_weights(*this->encoder(), o.encoder_options(), o.encoder_weights);
    const char* name = V == Variant::Tiny ? "pct" : "poolingcrack";
    spdlog::info("model.{}: {}", name, crackkd::models::describe(load, o.encoder_weights));
    if (o.input_normalisation == "none") spdlog::warn("model.{}: {}", name, crackkd::plugin_common::kUnstandardisedImageNetInput);
  }
};

using PoolingCrack = PretrainedPoolingCrack<Variant::Teacher>;
using PoolingCrackTiny = PretrainedPoolingCrack<Variant::Tiny>;

}  // namespace

CRACKKD_PLUGIN(model, poolingcrack, PoolingCrack,
               "PoolingCrack teacher: PoolFormer encoder + FaPN decoder with deformable alignment, ~31.5 M parameters")
CRACKKD_PLUGIN(model, pct, PoolingCrackTiny,
               "PoolingCrack-Tiny student (PCT): blocks [2,2,2,2], depth-wise embedding, ~0.5 M parameters, ~2.7 G MACs at 448")
