#pragma once
// What tracing a model at an export's size will take, known before it is tried: `crackkd
// export --size 16384 16384` used to fail inside the allocator (or be killed) with a
// message that named neither --size nor the memory it wanted.

#include "deploy/export_metadata.hpp"

#include <crackkd/model.hpp>

#include <cstdint>

namespace crackkd::deploy {

/// Memory the export's trace of `model` at `shape` takes at its peak: the model traced at
/// a probe size (batch 1, four strides a side), its graph walked in order with each value
/// freed after its last use, that peak of live tensors scaled by the pixels and the batch
/// of `shape` (a convolutional network's activations grow with both), times the resident
/// memory measured per live byte (trace_memory.cpp). For PoolingCrack at 1792x1792 it
/// says 4.9 GiB where /usr/bin/time measured 5.0 GiB (5,285,224 KiB).
std::uint64_t estimated_trace_bytes(SegmentationModel& model, const InputShape& shape);

}  // namespace crackkd::deploy
