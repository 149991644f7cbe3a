#pragma once
// Reading the dict of tensors in a file Python's `torch.save` wrote (the zip format, the
// default since PyTorch 1.6). LibTorch's own `torch::pickle_load` cannot: it turns the
// `collections.OrderedDict` that `state_dict()` returns into None. This is a small pickle
// machine for exactly what such files hold: dicts, ordered dicts, tuples, lists, strings,
// numbers, and tensors rebuilt from their storages.

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <string>

namespace crackkd::plugin_common {

/// The name → tensor entries of the dict at the top of `file` (entries that are not
/// tensors are skipped). Throws std::runtime_error naming the file on anything else: a
/// missing file, the legacy (pre-1.6) format, an unsupported pickle opcode or global.
std::map<std::string, at::Tensor> read_tensor_dict(const std::filesystem::path& file);

}  // namespace crackkd::plugin_common
