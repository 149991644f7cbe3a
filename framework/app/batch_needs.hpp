#pragma once
// The data check's view of a validated pipeline's training stages: what each needs of its
// data set's sizes (data/batch_check.hpp), from the stages' plans (StagePlan::batches).

#include "data/batch_check.hpp"
#include "runner/plan.hpp"

namespace crackkd::app {

inline std::vector<data::BatchNeed> batch_needs(const runner::PipelinePlan& plan) {
  std::vector<data::BatchNeed> needs;
  for (const auto& [name, stage] : plan.stages)
    if (stage.batches) needs.push_back({name, stage.batches->data, stage.batches->batch_size, stage.batches->augment});
  return needs;
}

}  // namespace crackkd::app
