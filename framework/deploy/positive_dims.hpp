#pragma once
// A graph pass run on every trace: a new dimension given counted from the back
// (x.unsqueeze(-1), torch::stack({x, y}, -1)) is counted from the front instead, from the
// rank the trace recorded. The ONNX exporter writes it as it finds it (stack becomes an
// Unsqueeze of each tensor and a Concat), and ONNX allows negative axes, but
// OpenCV 4.6's ONNX importer (cv::dnn::readNetFromONNX) asserts 0 <= axis and stops there,
// before it ever reaches an operator it truly lacks. Results do not change.

#include <torch/csrc/jit/ir/ir.h>

namespace crackkd::deploy {

/// Rewrites `graph` in place; returns how many unsqueezes and stacks it changed.
int make_new_dims_positive(torch::jit::Graph& graph);

}  // namespace crackkd::deploy
