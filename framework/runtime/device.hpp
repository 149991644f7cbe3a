#pragma once
// Which device a stage's `device` name means. `resolve_device` asks LibTorch for the
// host's CUDA devices and takes this process's local rank in a data-parallel run, then
// calls `device_for`; the mapping itself is a pure function so that it is tested on
// machines without a GPU.

#include <c10/core/Device.h>

#include <optional>
#include <string>

namespace crackkd::pipeline {
struct Pipeline;
}  // namespace crackkd::pipeline

namespace crackkd::runtime {

/// The device `name` ("auto", "cpu", "cuda" or "cuda:N") means on a host with
/// `cuda_devices` CUDA devices (0: none) for a process whose rank among the processes on
/// this host is `local_rank` (torchrun's LOCAL_RANK; nullopt outside a data-parallel run).
/// In a data-parallel run "auto" and "cuda" give each local rank its own GPU,
/// cuda:(local_rank mod cuda_devices), so `--nproc N` on an N-GPU host uses all N;
/// outside one they mean cuda:0 and the current CUDA device. "cuda:N" is taken as given.
/// Examples: ("auto", 0, nullopt) → cpu; ("auto", 4, 5) → cuda:1; ("cuda:3", 2, nullopt)
/// → Error "device "cuda:3" requested but this host has 2 CUDA devices (cuda:0 … cuda:1)".
c10::Device device_for(const std::string& name, int cuda_devices, std::optional<int> local_rank);

/// Why `device = "auto"` picks what it picks, for the log. `cuda_build`: this LibTorch
/// has CUDA. Examples: (false, 0) → "cpu: this LibTorch is built without CUDA";
/// (true, 0) → "cpu: this LibTorch has CUDA but sees no GPU (driver, CUDA_VISIBLE_DEVICES?)";
/// (true, 2) with cuda:0 → "cuda:0: CUDA, 2 GPUs visible".
std::string auto_device_reason(bool cuda_build, int cuda_devices, const c10::Device& picked);

/// Resolves "pipeline" / "auto" / "cpu" / "cuda" to a device; "cuda" without one is an error.
c10::Device resolve_device(const std::string& stage_device, const pipeline::Pipeline& pipeline,
                           std::optional<int> local_rank = std::nullopt);
/// Resolves "auto" (CUDA when present) / "cpu" / "cuda" / "cuda:N"; in a data-parallel
/// run "auto" and "cuda" give each rank the GPU of its `local_rank` (device_for above).
c10::Device resolve_device(const std::string& name, std::optional<int> local_rank = std::nullopt);

}  // namespace crackkd::runtime
