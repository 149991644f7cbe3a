#pragma once
// The device check's sections, each adding its findings to the report. `device` is the
// device under test (cuda:0, or the CPU with --device cpu); the reference is always the
// CPU, in float32 and float64. A section catches its own errors, so one failure never
// hides the others.

#include "check_report.hpp"

#include <c10/core/Device.h>

#include <cstdint>

namespace crackkd::device_check {

/// How much the timed checks do: a CUDA device enough runs for a stable median and the
/// batch a GPU user deploys; the CPU (in `make test`) the fewest runs and the smallest
/// large batch that still take every path (PCT at batch 16 takes 17 s a pass there).
struct Effort {
  int warmups = 3;
  int runs = 20;
  std::int64_t large_batch = 16;
};

/// PCT and PoolingCrack, forward and backward on `device` against the CPU.
void check_models(const c10::Device& device, Report& report);
/// The modulated deformable convolution's gradient: finite differences in float64 on
/// `device`, and float32 on `device` against float64 on the CPU.
void check_deformable_gradient(const c10::Device& device, Report& report);
/// One RFKD step (PoolingCrack teacher, PCT student, AdamW) against the CPU, then its
/// time in float32, bfloat16 autocast and float16 autocast with the gradient scaler.
void check_rfkd_steps(const c10::Device& device, Report& report, const Effort& effort);
/// PCT inference at 448x448, batch 1 and the large batch, eager and as a frozen
/// TorchScript trace.
void check_pct_inference(const c10::Device& device, Report& report, const Effort& effort);
/// CrackKD's process group with one rank: a collective over a tensor on `device` (NCCL
/// for CUDA where this LibTorch has it, Gloo otherwise).
void check_process_group(const c10::Device& device, Report& report);

}  // namespace crackkd::device_check
