#pragma once
// A graph pass run on every trace before it is checked and saved. LibTorch's C++
// interpolate records an upsampling with both its output size and its scale factors as
// numbers (aten::upsample_nearest2d(x, [h, w], 2.0, 2.0)); PyTorch's ONNX exporter (1.13)
// cannot read scale factors given that way and fails. Where the output size is exactly
// the input size times the scale, the scales say nothing the size does not (the kernels
// sample the same source pixels either way), so they are replaced by None. Any other
// upsampling is left as it is.

#include <torch/csrc/jit/ir/ir.h>

namespace crackkd::deploy {

/// Rewrites `graph` in place; returns how many upsamplings it changed.
int drop_redundant_upsample_scales(torch::jit::Graph& graph);

}  // namespace crackkd::deploy
