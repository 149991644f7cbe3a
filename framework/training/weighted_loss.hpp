#pragma once
// A training stage's `loss`: a weighted sum of loss plugins, each term logged under its
// plugin's name. `loss = "dice"` is the one-term sum the paper trains with.

#include "plugin_host/plugin_host.hpp"

#include <crackkd/distiller.hpp>
#include <crackkd/loss.hpp>
#include <crackkd/options.hpp>

namespace crackkd::training {

/// Example: `WeightedLoss loss(host, o.loss); LossTerms t = loss(out.logits, batch.masks);`
class WeightedLoss {
 public:
  WeightedLoss(host::PluginHost& host, const WeightedComponents& terms);
  /// Each term's weighted value, named by its plugin ("dice", "bce"); their sum is the loss.
  LossTerms operator()(const at::Tensor& logits, const at::Tensor& masks) const;

 private:
  struct Term {
    std::string name;
    double weight;
    std::shared_ptr<Loss> loss;
  };
  std::vector<Term> terms_;
};

}  // namespace crackkd::training
