#include "training/gradient_share.hpp"

#include <torch/csrc/autograd/autograd.h>

#include <cmath>

namespace crackkd::training {

namespace {

/// ||d term / d outputs||^2 as a 0-d tensor: no device sync until all terms are done.
at::Tensor squared_gradient_norm(const at::Tensor& term, const std::vector<at::Tensor>& outputs) {
  auto squares = at::zeros({}, outputs.front().options().dtype(at::kFloat));
  if (!term.requires_grad()) return squares;
  const auto gradients = torch::autograd::grad({term}, outputs, {}, /*retain_graph=*/true, /*create_graph=*/false,
                                               /*allow_unused=*/true);
  for (const auto& g : gradients)
    if (g.defined()) squares = squares + g.detach().to(at::kFloat).square().sum();
  return squares;
}

}  // namespace

std::vector<double> gradient_shares(const LossTerms& terms, const std::vector<at::Tensor>& outputs) {
  if (terms.size() < 2) return {};
  std::vector<at::Tensor> reachable;  // autograd::grad refuses inputs outside the graph
  for (const auto& o : outputs)
    if (o.defined() && o.requires_grad()) reachable.push_back(o);
  std::vector<double> shares(terms.size(), 0.0);
  if (reachable.empty()) return shares;
  std::vector<at::Tensor> squares;
  for (const auto& [name, term] : terms) squares.push_back(squared_gradient_norm(term, reachable));
  const auto norms = at::stack(squares).sqrt().to(at::kCPU, at::kDouble);  // the one sync
  const double sum = norms.sum().item<double>();
  for (std::size_t i = 0; i < terms.size(); ++i)
    shares[i] = sum > 0 ? norms[static_cast<std::int64_t>(i)].item<double>() / sum : 0.0;
  return shares;
}

}  // namespace crackkd::training
