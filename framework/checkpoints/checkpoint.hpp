#pragma once
// Model checkpoints: weights plus the plugin name and options that built the model, so a
// checkpoint rebuilds its own model. Written to a temporary file, synced to disk and
// renamed, so neither a crash nor a power loss leaves a half-written checkpoint.

#include "pipeline/pipeline.hpp"
#include "plugin_host/plugin_host.hpp"

#include <crackkd/model.hpp>

#include <c10/core/Device.h>

#include <filesystem>

namespace crackkd::checkpoints {

struct LoadedModel {
  std::shared_ptr<SegmentationModel> model;
  ComponentConfig config;
  std::int64_t epoch = 0;
  std::string trained_by;  ///< "<pipeline>/<stage>[/<replicate>]", "" when the file does not say
  double threshold = 0.5;  ///< the stage's validation threshold (0.5 when the file does not say)
  std::string started_from;  ///< the checkpoint its training started from (init_from), "" for none
};

/// `trained_by` and `threshold` travel with the weights to exported models.
void save_checkpoint(const std::filesystem::path& file, SegmentationModel& model, const ComponentConfig& config,
                     std::int64_t epoch, const std::string& trained_by = "", double threshold = 0.5,
                     const std::string& started_from = "");

/// Rebuilds the model named in the checkpoint through `host` and loads its weights onto
/// `device`. Throws crackkd::Error naming the file on a missing, corrupt or foreign file.
LoadedModel load_checkpoint(const std::filesystem::path& file, host::PluginHost& host, c10::Device device);

/// Checks that `loaded` (read from `file`) holds `expected`, the model [models.`name`]
/// that stage `stage` trains (same plugin and options); throws crackkd::Error naming both.
void require_stage_model(const LoadedModel& loaded, const std::filesystem::path& file, const std::string& stage,
                         const std::string& name, const ComponentConfig& expected);

}  // namespace crackkd::checkpoints
