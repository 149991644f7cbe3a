#include "engine/stage.hpp"

#include <torch/cuda.h>

namespace crackkd::engine {

c10::Device resolve_device(const std::string& name) {
  const bool cuda = torch::cuda::is_available();
  if (name == "cpu" || (name == "auto" && !cuda)) return c10::Device(c10::kCPU);
  if (name == "auto") return c10::Device(c10::kCUDA, 0);
  if (name.rfind("cuda", 0) == 0) {
    if (!cuda) throw Error("device \"" + name + "\" requested but no CUDA device is available (use \"auto\" or \"cpu\")");
    try {
      return c10::Device(name);
    } catch (const c10::Error&) {
    }
  }
  throw Error("unknown device \"" + name + "\" (expected auto, cpu, cuda or cuda:N)");
}

c10::Device resolve_device(const std::string& stage_device, const pipeline::Pipeline& pipeline) {
  return resolve_device(stage_device == "pipeline" ? pipeline.options.device : stage_device);
}

}  // namespace crackkd::engine
