#pragma once
// The random streams keyed by name: of a training stage's `stream` (its model's initial
// weights, batch order, augmentations and noise draws) and of evaluation's corrupted
// images. Each derives from the pipeline seed and names only, so it is the same whatever
// runs beside it, in whatever order.

#include <crackkd/rng.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace crackkd::data {

/// FNV-1a of a name, to key random streams by stream or noise.
std::uint64_t name_key(const std::string& name);

/// The seed of torch's generator (model initialisation) for a stream (a stage's `stream`,
/// by default its name).
std::uint64_t stream_seed(std::int64_t pipeline_seed, const std::string& stream);

/// The random stream that corrupts image `index` with noise `noise_name` at `level` in
/// evaluation (and in `crackkd preview`): independent of the model, so every model is
/// scored on the very same corrupted image.
Rng evaluation_noise_stream(std::int64_t pipeline_seed, const std::string& noise_name, double level, std::size_t index);

}  // namespace crackkd::data
