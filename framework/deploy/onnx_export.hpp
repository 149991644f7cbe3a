#pragma once
// ONNX from an exported TorchScript file, through PyTorch's own, well-kept exporter run
// in Python (the script is deploy/onnx_export.py, embedded in the binary): CrackKD does
// not carry an ONNX converter of its own. The Python used is $CRACKKD_PYTHON, else
// /usr/bin/python3 when present (Debian's, with python3-torch), else python3 on PATH.

#include <filesystem>
#include <string>

namespace crackkd::deploy {

struct OnnxOptions {
  int opset = 16;  ///< GridSample (the deformable alignment's sampling) needs 16
  bool dynamic = false;  ///< batch, height and width as named dimensions
};

/// Converts `torchscript` (written by `torchscript_bytes`) to ONNX at `out`, atomically:
/// on any failure `out` is left as it was. `model_name` ("model.pct") names the model in
/// errors; an operator without an ONNX mapping is one crackkd::Error naming it.
void export_onnx(const std::filesystem::path& torchscript, const std::filesystem::path& out, const OnnxOptions& options,
                 const std::string& model_name);

/// The Python interpreter the export runs.
std::string torch_python();

extern const char* const kOnnxExportScript;

}  // namespace crackkd::deploy
