#pragma once
// Model checkpoints: weights plus the plugin name and options that built the model, so a
// checkpoint rebuilds its own model. Written to a temporary file, synced to disk and
// renamed, so neither a crash nor a power loss leaves a half-written checkpoint.

#include "plugin_host/plugin_host.hpp"

#include <crackkd/model.hpp>

#include <c10/core/Device.h>

#include <filesystem>
#include <functional>

namespace crackkd::engine {

struct LoadedModel {
  std::shared_ptr<SegmentationModel> model;
  ComponentConfig config;
  std::int64_t epoch = 0;
};

void save_checkpoint(const std::filesystem::path& file, SegmentationModel& model, const ComponentConfig& config,
                     std::int64_t epoch);

/// Rebuilds the model named in the checkpoint through `host` and loads its weights onto
/// `device`. Throws crackkd::Error naming the file on a missing, corrupt or foreign file.
LoadedModel load_checkpoint(const std::filesystem::path& file, host::PluginHost& host, c10::Device device);

/// The checkpoint a finished train/distill stage offers: best.pt (best validation mDS)
/// when it exists and `prefer_best`, else checkpoint.pt (the last epoch).
std::filesystem::path stage_checkpoint(const std::filesystem::path& stage_dir, bool prefer_best = true);

/// How results name a checkpoint file: its folder and stem ("teacher/best" for
/// runs/teacher_masonry/teacher/best.pt), since the stems alone (best, checkpoint) repeat.
inline std::string checkpoint_label(const std::filesystem::path& file) {
  const auto folder = file.parent_path().filename().string();
  return folder.empty() ? file.stem().string() : folder + "/" + file.stem().string();
}

/// Writes `file` by calling `write(temporary)`, syncing the temporary file to disk, renaming
/// it over `file` and syncing the folder. On any failure (`write` throwing included) the
/// temporary file is removed, `file` keeps its previous bytes, and crackkd::Error names `file`:
///
///   write_atomically(dir / "metrics.csv", [&](const fs::path& f) { std::ofstream(f) << text; });
void write_atomically(const std::filesystem::path& file, const std::function<void(const std::filesystem::path&)>& write);

/// Appends `text` to `file` (created if missing) and syncs it to disk before returning, so
/// a checkpoint written afterwards never counts on rows a power loss could drop.
void append_durably(const std::filesystem::path& file, const std::string& text);

}  // namespace crackkd::engine
