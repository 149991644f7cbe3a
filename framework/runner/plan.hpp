#pragma once
// Whole-pipeline validation, before anything runs: every stage kind known, every option
// valid, every reference defined, every component known with valid options, every result
// a stage reads declared by the stage it reads from (stage_contract.hpp), no cycle.

#include "stages/stage.hpp"

namespace crackkd::runner {

struct PipelinePlan {
  std::vector<std::string> order;  ///< stages in dependency order
  std::map<std::string, stages::StagePlan> stages;
};

/// Throws ConfigError (`file:line:col: message`) at the first problem.
PipelinePlan validate_pipeline(const pipeline::Pipeline& pipeline, host::PluginHost& host);

}  // namespace crackkd::runner
