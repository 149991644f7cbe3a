#include "runtime/device.hpp"

#include "pipeline/pipeline.hpp"

#include <ATen/Context.h>
#include <spdlog/spdlog.h>
#include <torch/cuda.h>

#include <set>

namespace crackkd::runtime {

namespace {

Error no_cuda(const std::string& name) {
  return Error("device \"" + name + "\" requested but no CUDA device is available (use \"auto\" or \"cpu\")");
}

}  // namespace

c10::Device device_for(const std::string& name, int cuda_devices, std::optional<int> local_rank) {
  const bool cuda = cuda_devices > 0;
  if (name == "cpu" || (name == "auto" && !cuda)) return c10::Device(c10::kCPU);
  if (name == "auto" || name == "cuda") {
    if (!cuda) throw no_cuda(name);
    // Ranks on one host must not share a GPU: rank r takes GPU r (mod the GPUs there).
    if (local_rank) return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(*local_rank % cuda_devices));
    return name == "auto" ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCUDA);
  }
  if (name.rfind("cuda:", 0) == 0) {
    if (!cuda) throw no_cuda(name);
    std::optional<c10::Device> device;
    try {
      device = c10::Device(name);
    } catch (const c10::Error&) {  // "cuda:x": an unknown device, below
    }
    if (device && device->is_cuda()) {
      if (device->index() < cuda_devices) return *device;
      const std::string last = std::to_string(cuda_devices - 1);
      throw Error("device \"" + name + "\" requested but this host has " + std::to_string(cuda_devices) +
                  (cuda_devices == 1 ? " CUDA device (cuda:0)" : " CUDA devices (cuda:0 … cuda:" + last + ")"));
    }
  }
  throw Error("unknown device \"" + name + "\" (expected auto, cpu, cuda or cuda:N)");
}

std::string auto_device_reason(bool cuda_build, int cuda_devices, const c10::Device& picked) {
  if (!cuda_build) return picked.str() + ": this LibTorch is built without CUDA";
  if (cuda_devices == 0)
    return picked.str() + ": this LibTorch has CUDA but sees no GPU (driver, CUDA_VISIBLE_DEVICES?)";
  return picked.str() + ": CUDA, " + std::to_string(cuda_devices) + (cuda_devices == 1 ? " GPU" : " GPUs") + " visible";
}

c10::Device resolve_device(const std::string& name, std::optional<int> local_rank) {
  const int cuda_devices = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
  const auto device = device_for(name, cuda_devices, local_rank);
  if (name == "auto") {  // once per outcome, not once per stage
    static std::set<std::string> logged;
    const auto reason = auto_device_reason(at::globalContext().hasCUDA(), cuda_devices, device);
    if (logged.insert(reason).second) spdlog::info("device \"auto\" is {}", reason);
  }
  return device;
}

c10::Device resolve_device(const std::string& stage_device, const pipeline::Pipeline& pipeline,
                           std::optional<int> local_rank) {
  return resolve_device(stage_device == "pipeline" ? pipeline.options.device : stage_device, local_rank);
}

}  // namespace crackkd::runtime
