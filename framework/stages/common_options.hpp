#pragma once
// The options every stage that computes has: `device` (where it runs) and `after` (stages
// that must finish first). A kind's options struct derives from CommonStageOptions and
// calls declare_common in its `declare`; StageKindOf checks `after` and orders the stage
// (plan_common), and `run` asks device_of where to run.

#include "stages/stage.hpp"

#include <crackkd/options.hpp>

#include <c10/core/Device.h>

#include <string>
#include <vector>

namespace crackkd::stages {

struct CommonStageOptions {
  std::string device = "pipeline";
  std::vector<std::string> after;

  template <class O> static void declare_common(OptionSchema<O>& s) {
    s.optional("device", &CommonStageOptions::device, "pipeline = the [pipeline] device")
        .one_of({"pipeline", "auto", "cpu", "cuda"});
    s.optional("after", &CommonStageOptions::after, "stages that must finish first");
  }
};

/// Checks that each of `after` names a stage, and runs the stage after them.
void plan_common(const CommonStageOptions& o, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 StagePlan& plan);

/// The device a running stage uses: its `device`, "pipeline" meaning the [pipeline] one, on
/// this process's GPU in a data-parallel run.
c10::Device device_of(const StageContext& ctx, const CommonStageOptions& o);

}  // namespace crackkd::stages
