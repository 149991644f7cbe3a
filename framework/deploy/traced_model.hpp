#pragma once
// A segmentation model's logits traced into a self-contained TorchScript module: the
// graph LibTorch's tracer records, with the model's parameters and buffers as the
// module's attributes under their C++ names. Neither CrackKD nor the model's plugin is
// needed to run it: Python's torch.jit.load, LibTorch alone, and (through the ONNX
// export) ONNX Runtime do.
//
// Tracing records every size the model computes from its input (sampling grids,
// upsampling targets, reshapes by batch) as a constant, so a traced graph is only right
// at the shape it was traced at. The module's `forward` therefore checks the input shape
// and refuses any other one with a message naming the shape it takes; the unchecked graph
// is the method `traced_forward`. (For the ONNX exporter, whose graph carries the input
// shape itself, the traced graph is `forward` and there is no check.) A dynamic shape is granted only when traces at two
// different shapes give the same graph, which proves the graph follows the size.

#include "deploy/export_metadata.hpp"

#include <crackkd/model.hpp>

#include <torch/csrc/jit/api/module.h>

#include <string>

namespace crackkd::deploy {

/// Traces `model` (put in eval mode) at `shape` and checks the result against the model's
/// own forward on two random inputs. `model_name` ("model.pct") names it in errors.
/// Throws crackkd::Error when the graph does not reproduce the model (it branches on
/// values) or, for a dynamic shape, when the graph depends on the input size.
torch::jit::Module trace_logits(SegmentationModel& model, const InputShape& shape, const std::string& model_name,
                                bool check_shape = true);

/// What a trace records: the logits alone (exports), or the logits and the features.
enum class Outputs { Logits, All };

/// `model`'s logits and features at `shape` as a module whose `forward` returns the tuple
/// (logits, feature 1, ...), checked like trace_logits: for CrackKD's own use of a frozen
/// model (a distillation teacher), not for export.
torch::jit::Module trace_outputs(SegmentationModel& model, const InputShape& shape, const std::string& model_name);

/// `module` frozen (weights as constants, batch norms folded into convolutions) and
/// optimised for inference by LibTorch; its answers differ from the eager model's only in
/// float rounding.
torch::jit::Module frozen_for_inference(torch::jit::Module module);

/// The module's file bytes with `metadata` as its extra file crackkd.json (read by
/// torch.jit.load(f, _extra_files=...)) and, for programs without a JSON parser, as the
/// attributes crackkd_input_shape ([N, 3, H, W], -1 where free), crackkd_size_multiple,
/// crackkd_threshold and crackkd_model ("model.pct").
std::string torchscript_bytes(torch::jit::Module& module, const ExportMetadata& metadata);

}  // namespace crackkd::deploy
