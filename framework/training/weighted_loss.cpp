#include "training/weighted_loss.hpp"

namespace crackkd::training {

WeightedLoss::WeightedLoss(host::PluginHost& host, const WeightedComponents& terms) {
  for (const auto& term : terms)
    terms_.push_back({term.component.plugin, term.weight, host.create<Loss>("loss", term.component)});
}

LossTerms WeightedLoss::operator()(const at::Tensor& logits, const at::Tensor& masks) const {
  LossTerms out;
  for (const auto& term : terms_) {
    at::Tensor value = term.loss->compute(logits, masks);
    // A weight of 1 adds no multiplication, so a one-term `loss` computes exactly what
    // the loss plugin alone computes (the quickstart's figures stay bit-identical).
    out.emplace_back(term.name, term.weight == 1.0 ? value : term.weight * value);
  }
  return out;
}

}  // namespace crackkd::training
