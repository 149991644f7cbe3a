#pragma once
// Encoder weights from a file Python PyTorch wrote: `torch.save(model.state_dict(), PATH)`
// of a torchvision model. Our encoders name their parameters and buffers as torchvision
// does, so a tensor is found by its name; the file's other tensors (the classifier, heads
// we do not build) are left unused.

#include <torch/nn/module.h>

#include <filesystem>
#include <string>
#include <vector>

namespace crackkd::baselines {

struct StateDictLoad {
  std::size_t loaded = 0;
  std::vector<std::string> unused;  ///< tensors in the file that `module` has no place for
};

/// Copies every parameter and buffer of `module` from `file`. Throws std::runtime_error
/// naming the file and the tensor when one is missing or its shape differs, and when the
/// file is not a state dict; `module` is unchanged then.
StateDictLoad load_state_dict_file(torch::nn::Module& module, const std::filesystem::path& file);

}  // namespace crackkd::baselines
