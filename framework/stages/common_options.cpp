#include "stages/common_options.hpp"

#include "runtime/device.hpp"

namespace crackkd::stages {

void plan_common(const CommonStageOptions& o, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 StagePlan& plan) {
  for (std::size_t i = 0; i < o.after.size(); ++i) require_reference(stage, "after", o.after[i], pipeline.stages, "stage", i);
  // Appended as they are: the order (and a repeat) is part of the stage's fingerprint.
  plan.depends_on.insert(plan.depends_on.end(), o.after.begin(), o.after.end());
}

c10::Device device_of(const StageContext& ctx, const CommonStageOptions& o) {
  return runtime::resolve_device(o.device, ctx.pipeline, ctx.local_rank());
}

}  // namespace crackkd::stages
