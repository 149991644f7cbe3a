#pragma once
// The checkpoints an evaluate or benchmark stage scores, declared, planned and found once
// for both kinds: `models` (train/distill stages, with [pipeline] seeds each seed's
// replicate) and `checkpoints` (files, named in the results by `labels`).

#include "checkpoints/checkpoint.hpp"
#include "stages/common_options.hpp"
#include "stages/stage.hpp"

#include <crackkd/options.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace crackkd::stages {

struct ScoredCheckpointsOptions : CommonStageOptions {
  std::vector<std::string> models;
  std::vector<std::string> checkpoints;
  std::vector<std::string> labels;

  /// `what`: what the stage does with each ("score", "measure").
  template <class O> static void declare_scored(OptionSchema<O>& s, const std::string& what) {
    s.optional("models", &ScoredCheckpointsOptions::models, "train/distill stages whose checkpoint to " + what);
    s.optional("checkpoints", &ScoredCheckpointsOptions::checkpoints, "checkpoint files to " + what + ", besides the stages'");
    s.optional("labels", &ScoredCheckpointsOptions::labels,
               "names of the checkpoint files in the results, one per file; [] = each file's shortest path tail "
               "that tells it apart (runA/train/best)");
  }
};

/// One checkpoint to score.
struct ScoredCheckpoint {
  std::string label;
  std::string seed;  ///< the replicate's seed; "" for a file or a stage run once
  std::filesystem::path file;
  std::string stage;  ///< the train/distill stage it comes from; "" for a file
};

/// Checks that `models` name stages and `checkpoints` existing files (labelled apart), and
/// adds to `plan` that the stage reads each model's `file`, or `preferred` when that
/// stage writes it (best.pt over checkpoint.pt), and the files' bytes.
void plan_scored(const ScoredCheckpointsOptions& o, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 StagePlan& plan, const std::string& file, const std::string& preferred = "");

/// The stages' checkpoints (with seeds, every seed's or, with `first_seed_only`, the first
/// seed's standing for all), then the files, as the plan resolved them.
std::vector<ScoredCheckpoint> scored_checkpoints(const StageContext& ctx, const ScoredCheckpointsOptions& o,
                                                 bool first_seed_only = false);

/// Loads `c`; a stage's checkpoint must hold the model that stage trains, not a file put in
/// its place.
checkpoints::LoadedModel load_scored(const StageContext& ctx, const ScoredCheckpoint& c, c10::Device device);

}  // namespace crackkd::stages
