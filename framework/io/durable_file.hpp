#pragma once
// Files that survive crashes, kills, power loss and full disks. A result is written whole
// to a temporary file beside it (`<file>.tmp<pid>`), synced, then renamed over the old
// one: a reader sees the old bytes or the new ones, never a mix. Every system call is
// checked; a full disk is one error naming the file and the free space, and the old file
// stays. Temporaries left by a killed process are swept by the next run (run_lock.hpp).

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace crackkd::io {

/// Replaces `file` with `bytes` atomically and durably. On failure `file` keeps its
/// previous bytes, no temporary remains, and crackkd::Error says
/// "cannot write runs/q/train/checkpoint.pt: No space left on device (12.0 MiB free in runs/q/train)".
void write_atomically(const std::filesystem::path& file, const std::string& bytes);

/// The same for a writer that needs a path (`write(temporary)` creates the temporary file);
/// a writer that throws is reported like a failed write:
///
///   write_atomically(dir / "metrics.csv", [&](const fs::path& f) { std::ofstream(f) << text; });
void write_atomically(const std::filesystem::path& file, const std::function<void(const std::filesystem::path&)>& write);

/// Appends `text` to `file` (created if missing) and syncs it to disk before returning, so
/// a checkpoint written afterwards never counts on rows a power loss could drop.
void append_durably(const std::filesystem::path& file, const std::string& text);

/// The temporary file name `write_atomically` uses for `file` in this process.
std::filesystem::path temporary_for(const std::filesystem::path& file);

/// True for a name `temporary_for` makes ("checkpoint.pt.tmp4711").
bool is_temporary_name(const std::string& filename);

/// Removes, under `folder` (recursively), the temporaries that killed processes left;
/// returns their paths. Call only while no other process writes there (run_lock.hpp).
std::vector<std::filesystem::path> sweep_temporaries(const std::filesystem::path& folder);

/// "12.0 MiB free in <folder>", or "" when the file system cannot say.
std::string free_space_text(const std::filesystem::path& folder);

}  // namespace crackkd::io
