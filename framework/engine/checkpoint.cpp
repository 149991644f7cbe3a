#include "engine/checkpoint.hpp"

#include "pipeline/toml_params.hpp"

#include <torch/serialize.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace crackkd::engine {

namespace fs = std::filesystem;

namespace {

/// Forces `path` (a file, or a folder's entries) to disk. `what` names it in the error.
void sync_to_disk(const fs::path& path, int flags, const std::string& what) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + what + " " + path.string() + " to sync it: " + std::strerror(errno));
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // A folder on a file system that cannot sync folders (EINVAL) has nothing more to offer.
  if (synced != 0 && !(error == EINVAL && (flags & O_DIRECTORY)))
    throw Error("cannot sync " + what + " " + path.string() + " to disk: " + std::strerror(error));
}

}  // namespace

void write_atomically(const fs::path& file, const std::function<void(const fs::path&)>& write) {
  const fs::path temporary = file.string() + ".tmp" + std::to_string(::getpid());
  try {
    write(temporary);
    // The data reaches the disk before the rename publishes it, and the rename before we
    // return: after a power loss the file is the old one or the new one, never a torn mix.
    sync_to_disk(temporary, O_RDONLY, "temporary file");
    fs::rename(temporary, file);
    const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    sync_to_disk(folder, O_RDONLY | O_DIRECTORY, "folder");
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw Error("cannot write " + file.string() + ": " + e.what());
  }
}

void append_durably(const fs::path& file, const std::string& text) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot append to " + file.string() + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw Error("cannot append to " + file.string() + ": " + std::strerror(error));
    }
    written += static_cast<std::size_t>(n);
  }
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) throw Error("cannot sync " + file.string() + " to disk: " + std::strerror(error));
}

fs::path stage_checkpoint(const fs::path& stage_dir, bool prefer_best) {
  if (prefer_best && fs::exists(stage_dir / "best.pt")) return stage_dir / "best.pt";
  return stage_dir / "checkpoint.pt";
}

void save_checkpoint(const fs::path& file, SegmentationModel& model, const ComponentConfig& config,
                     std::int64_t epoch) {
  torch::serialize::OutputArchive archive;
  model.save(archive);
  archive.write("crackkd_plugin", c10::IValue(config.plugin));
  archive.write("crackkd_options", c10::IValue(pipeline::to_toml(config.params)));
  archive.write("crackkd_epoch", c10::IValue(epoch));
  write_atomically(file, [&](const fs::path& temporary) { archive.save_to(temporary.string()); });
}

LoadedModel load_checkpoint(const fs::path& file, host::PluginHost& host, c10::Device device) {
  if (!fs::exists(file)) throw Error("checkpoint " + file.string() + " does not exist");
  torch::serialize::InputArchive archive;
  LoadedModel out;
  c10::IValue plugin, options, epoch;
  try {
    archive.load_from(file.string(), device);
    if (!archive.try_read("crackkd_plugin", plugin) || !archive.try_read("crackkd_options", options))
      throw Error("not a CrackKD model checkpoint (no plugin name or options)");
    archive.try_read("crackkd_epoch", epoch);
  } catch (const c10::Error& e) {
    throw Error("cannot read checkpoint " + file.string() + ": " + e.what_without_backtrace());
  } catch (const Error& e) {
    throw Error("cannot read checkpoint " + file.string() + ": " + e.what());
  }
  out.config.plugin = plugin.toStringRef();
  out.config.params = pipeline::parse_toml_text(options.toStringRef(), file.string() + " (model options)");
  out.config.where = SourceLocation{file.string(), 0, 0};
  out.epoch = epoch.isInt() ? epoch.toInt() : 0;
  out.model = host.create<SegmentationModel>("model", out.config);
  try {
    out.model->load(archive);
  } catch (const c10::Error& e) {
    throw Error("checkpoint " + file.string() + " does not fit model." + out.config.plugin + ": " +
                e.what_without_backtrace());
  }
  out.model->to(device);
  return out;
}

}  // namespace crackkd::engine
