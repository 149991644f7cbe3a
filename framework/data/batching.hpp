#pragma once
// Turning samples into model inputs: the epoch's sample order, stacking samples into a
// batch, and running a model on sides that are not multiples of its stride.

#include <crackkd/model.hpp>
#include <crackkd/sample.hpp>

#include <cstdint>
#include <vector>

namespace crackkd::data {

/// A permutation of [0, n) that depends only on (seed, epoch).
std::vector<std::size_t> epoch_order(std::size_t n, std::uint64_t seed, std::int64_t epoch);

/// Stacks samples of one size (their clean images too when all have one); throws
/// crackkd::Error naming two ids whose sizes differ.
Batch collate(const std::vector<Sample>& samples);

/// The model's output for `images` of any size: pads right and bottom (replicating the
/// border) to a multiple of `model.input_stride()`, then crops the logits back (features
/// stay at the padded size).
ModelOutput forward_padded(SegmentationModel& model, const at::Tensor& images);

/// Just the logits of `forward_padded`.
at::Tensor predict_logits(SegmentationModel& model, const at::Tensor& images);

}  // namespace crackkd::data
