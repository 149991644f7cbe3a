#include "engine/stage.hpp"

#include <torch/cuda.h>

namespace crackkd::engine {

c10::Device resolve_device(const std::string& stage_device, const pipeline::Pipeline& pipeline) {
  const std::string name = stage_device == "pipeline" ? pipeline.options.device : stage_device;
  const bool cuda = torch::cuda::is_available();
  if (name == "cpu" || (name == "auto" && !cuda)) return c10::Device(c10::kCPU);
  if (name == "cuda" || name == "auto") {
    if (!cuda) throw Error("device \"cuda\" requested but no CUDA device is available (use \"auto\" or \"cpu\")");
    return c10::Device(c10::kCUDA, 0);
  }
  throw Error("unknown device \"" + name + "\" (expected auto, cpu or cuda)");
}

}  // namespace crackkd::engine
