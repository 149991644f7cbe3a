#include "training/gradient_share.hpp"

#include <torch/csrc/autograd/autograd.h>

#include <cmath>

namespace crackkd::training {

namespace {

double gradient_norm(const at::Tensor& term, const std::vector<at::Tensor>& outputs) {
  if (!term.requires_grad()) return 0.0;
  const auto gradients = torch::autograd::grad({term}, outputs, {}, /*retain_graph=*/true, /*create_graph=*/false,
                                               /*allow_unused=*/true);
  double squares = 0.0;
  for (const auto& g : gradients)
    if (g.defined()) squares += g.detach().to(at::kDouble).pow(2).sum().item<double>();
  return std::sqrt(squares);
}

}  // namespace

std::vector<double> gradient_shares(const LossTerms& terms, const std::vector<at::Tensor>& outputs) {
  if (terms.size() < 2) return {};
  std::vector<at::Tensor> reachable;  // autograd::grad refuses inputs outside the graph
  for (const auto& o : outputs)
    if (o.defined() && o.requires_grad()) reachable.push_back(o);
  std::vector<double> shares(terms.size(), 0.0);
  if (reachable.empty()) return shares;
  double sum = 0.0;
  for (std::size_t i = 0; i < terms.size(); ++i) sum += shares[i] = gradient_norm(terms[i].second, reachable);
  if (sum > 0)
    for (auto& share : shares) share /= sum;
  return shares;
}

}  // namespace crackkd::training
