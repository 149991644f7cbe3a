#include "distributed/gradient_sync.hpp"

#include <torch/torch.h>

namespace crackkd::distributed {

void broadcast_module(torch::nn::Module& module, ProcessGroup& group) {
  torch::NoGradGuard no_grad;
  std::vector<at::Tensor> tensors;
  for (auto& p : module.parameters()) tensors.push_back(p);
  for (auto& b : module.buffers()) tensors.push_back(b);
  for (auto& t : tensors) {
    std::vector<at::Tensor> one{t.data()};
    group.broadcast(one, "the initial weights");
  }
}

std::int64_t average_gradients(const std::vector<at::Tensor>& parameters, std::int64_t local_samples,
                               std::vector<double>& term_means, ProcessGroup& group, std::size_t bucket_bytes) {
  torch::NoGradGuard no_grad;
  // Samples and loss terms first: the weights of the gradient average.
  std::vector<at::Tensor> counts{torch::zeros({static_cast<std::int64_t>(term_means.size()) + 1}, torch::kFloat64)};
  auto c = counts[0].accessor<double, 1>();
  c[0] = static_cast<double>(local_samples);
  for (std::size_t i = 0; i < term_means.size(); ++i) c[static_cast<std::int64_t>(i) + 1] = term_means[i] * c[0];
  group.all_reduce_sum(counts, "the loss terms");
  const double global = counts[0][0].item<double>();
  for (std::size_t i = 0; i < term_means.size(); ++i)
    term_means[i] = global > 0 ? counts[0][static_cast<std::int64_t>(i) + 1].item<double>() / global : 0.0;
  if (global <= 0) return 0;

  const double weight = static_cast<double>(local_samples) / global;
  std::size_t first = 0;
  while (first < parameters.size()) {
    std::size_t last = first, bytes = 0;
    std::vector<at::Tensor> pieces;
    while (last < parameters.size() && (pieces.empty() || bytes + parameters[last].nbytes() <= bucket_bytes)) {
      auto& p = parameters[last];
      if (!p.grad().defined()) const_cast<at::Tensor&>(p).mutable_grad() = torch::zeros_like(p);
      pieces.push_back(p.grad().reshape({-1}));
      bytes += p.nbytes();
      ++last;
    }
    std::vector<at::Tensor> flat{torch::cat(pieces).mul_(weight)};
    group.all_reduce_sum(flat, "the gradients");
    std::int64_t offset = 0;
    for (std::size_t i = first; i < last; ++i) {
      auto grad = parameters[i].grad();
      grad.copy_(flat[0].slice(0, offset, offset + grad.numel()).view_as(grad));
      offset += grad.numel();
    }
    first = last;
  }
  return static_cast<std::int64_t>(global);
}

double max_divergence(const std::vector<at::Tensor>& parameters, ProcessGroup& group) {
  torch::NoGradGuard no_grad;
  std::vector<at::Tensor> flat;
  for (const auto& p : parameters) flat.push_back(p.detach().reshape({-1}).to(torch::kFloat64));
  const auto mine = torch::cat(flat);
  std::vector<at::Tensor> main{mine.clone()};
  group.broadcast(main, "the final weights");
  std::vector<at::Tensor> difference{(mine - main[0]).abs().max().reshape({1})};
  group.all_reduce_sum(difference, "the weight check");  // one rank's maximum, summed: 0 only if all are 0
  return difference[0].item<double>();
}

}  // namespace crackkd::distributed
