#include "checkpoints/checkpoint.hpp"
#include "io/durable_file.hpp"

#include "pipeline/toml_params.hpp"
#include "runtime/result_files.hpp"

#include <torch/serialize.h>

#include <algorithm>
#include <sstream>

namespace crackkd::checkpoints {

namespace fs = std::filesystem;

namespace {

/// The saved options without those that only set the model's starting point
/// (`OptionInfo::initialisation_only`, such as a file of initial weights): the
/// checkpoint's weights replace that start, so a trained model loads where the file is not.
ComponentConfig rebuilt_config(const ComponentConfig& saved, host::PluginHost& host) {
  ComponentConfig config = saved;
  if (!host.has("model", saved.plugin)) return config;  // create() names what is missing
  for (const auto& option : host.entry("model", saved.plugin).options())
    if (option.initialisation_only) config.params.erase(option.key);
  return config;
}

}  // namespace

void require_stage_model(const LoadedModel& loaded, const fs::path& file, const std::string& stage,
                         const std::string& name, const ComponentConfig& expected) {
  const std::string found = "model." + loaded.config.plugin + " {" + pipeline::to_toml(loaded.config.params) + "}";
  const std::string wanted = "model." + expected.plugin + " {" + pipeline::to_toml(expected.params) + "}";
  if (found == wanted) return;
  auto one_line = [](std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
  };
  throw Error("checkpoint " + file.string() + " holds " + one_line(found) + ", but stage '" + stage + "' trains " +
              one_line(wanted) + " (models." + name + "); was the file replaced? rerun the stage with --force " + stage);
}

void save_checkpoint(const fs::path& file, SegmentationModel& model, const ComponentConfig& config,
                     std::int64_t epoch, const std::string& trained_by, double threshold,
                     const std::string& started_from) {
  torch::serialize::OutputArchive archive;
  model.save(archive);
  archive.write("crackkd_plugin", c10::IValue(config.plugin));
  archive.write("crackkd_options", c10::IValue(pipeline::to_toml(config.params)));
  archive.write("crackkd_epoch", c10::IValue(epoch));
  archive.write("crackkd_trained_by", c10::IValue(trained_by));
  archive.write("crackkd_threshold", c10::IValue(threshold));
  archive.write("crackkd_started_from", c10::IValue(started_from));
  // Serialised in memory first: LibTorch's file writer throws again from its destructor
  // when the disk fills up mid-write (std::terminate); checked writes report it instead.
  std::ostringstream bytes;
  archive.save_to(bytes);
  io::write_atomically(file, std::move(bytes).str());
}

LoadedModel load_checkpoint(const fs::path& file, host::PluginHost& host, c10::Device device) {
  if (!fs::exists(file)) throw Error("checkpoint " + file.string() + " does not exist");
  torch::serialize::InputArchive archive;
  LoadedModel out;
  c10::IValue plugin, options, epoch, trained_by, threshold, started_from;
  try {
    archive.load_from(file.string(), device);
    if (!archive.try_read("crackkd_plugin", plugin) || !archive.try_read("crackkd_options", options))
      throw Error("not a CrackKD model checkpoint (no plugin name or options)");
    archive.try_read("crackkd_epoch", epoch);
    archive.try_read("crackkd_trained_by", trained_by);
    archive.try_read("crackkd_threshold", threshold);
    archive.try_read("crackkd_started_from", started_from);
  } catch (const c10::Error& e) {
    throw Error("cannot read checkpoint " + file.string() + ": " + e.what_without_backtrace());
  } catch (const Error& e) {
    throw Error("cannot read checkpoint " + file.string() + ": " + e.what());
  }
  out.config.plugin = plugin.toStringRef();
  out.config.params = pipeline::parse_toml_text(options.toStringRef(), file.string() + " (model options)");
  out.config.where = SourceLocation{file.string(), 0, 0};
  out.epoch = epoch.isInt() ? epoch.toInt() : 0;
  if (trained_by.isString()) out.trained_by = trained_by.toStringRef();
  if (threshold.isDouble()) out.threshold = threshold.toDouble();
  if (started_from.isString()) out.started_from = started_from.toStringRef();
  out.model = host.create<SegmentationModel>("model", rebuilt_config(out.config, host));
  try {
    out.model->load(archive);
  } catch (const c10::Error& e) {
    throw Error("checkpoint " + file.string() + " does not fit model." + out.config.plugin + ": " +
                e.what_without_backtrace());
  }
  out.model->to(device);
  return out;
}

}  // namespace crackkd::checkpoints
