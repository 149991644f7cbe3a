#pragma once
// What a data-parallel training step exchanges: rank 0's weights at the start, and every
// step the gradients and loss terms, weighted by each rank's number of samples so the
// result is exactly the mean over the global batch (a rank may hold fewer samples, or
// none, of an epoch's last batch).

#include "distributed/process_group.hpp"

#include <torch/nn/module.h>

#include <cstdint>
#include <vector>

namespace crackkd::distributed {

/// Copies rank 0's parameters and buffers of `module` to every rank.
void broadcast_module(torch::nn::Module& module, ProcessGroup& group);

/// Replaces each gradient (undefined = zero) by the sample-weighted mean over the ranks,
/// in buckets of at most `bucket_bytes`, and each of `term_means` (this rank's means)
/// by the mean over the global batch. Returns the global batch's number of samples.
std::int64_t average_gradients(const std::vector<at::Tensor>& parameters, std::int64_t local_samples,
                               std::vector<double>& term_means, ProcessGroup& group,
                               std::size_t bucket_bytes = 25u << 20);

/// The largest |w − w(rank 0)| over all parameters, the same on every rank: 0 when the
/// ranks hold identical weights.
double max_divergence(const std::vector<at::Tensor>& parameters, ProcessGroup& group);

}  // namespace crackkd::distributed
