#include "io/durable_file.hpp"

#include <crackkd/error.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace crackkd::io {

namespace fs = std::filesystem;

namespace {

/// A failed system call on `file`, with the free space where the disk is full.
[[noreturn]] void fail(const fs::path& file, const std::string& action, int error) {
  std::string message = action + " " + file.string() + ": " + std::strerror(error);
  if (error == ENOSPC || error == EDQUOT) {
    const std::string free_text = free_space_text(file.parent_path().empty() ? fs::path(".") : file.parent_path());
    if (!free_text.empty()) message += " (" + free_text + ")";
  }
  throw Error(message);
}

/// Forces `path` (a file, or a folder's entries) to disk.
void sync_to_disk(const fs::path& path, bool folder) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (folder ? O_DIRECTORY : 0));
  if (fd < 0) fail(path, "cannot open", errno);
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // A folder on a file system that cannot sync folders (EINVAL) has nothing more to offer.
  if (synced != 0 && !(error == EINVAL && folder)) fail(path, "cannot sync", error);
}

void write_all(int fd, const std::string& bytes, const fs::path& file) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(file, "cannot write", errno);
    written += static_cast<std::size_t>(n);
  }
}

/// Publishes a complete, synced temporary as `file`, then makes the rename durable.
void publish(const fs::path& temporary, const fs::path& file) {
  sync_to_disk(temporary, false);
  if (::rename(temporary.c_str(), file.c_str()) != 0) fail(file, "cannot write", errno);
  sync_to_disk(file.parent_path().empty() ? fs::path(".") : file.parent_path(), true);
}

}  // namespace

fs::path temporary_for(const fs::path& file) { return file.string() + ".tmp" + std::to_string(::getpid()); }

bool is_temporary_name(const std::string& filename) {
  const auto at = filename.rfind(".tmp");
  if (at == std::string::npos || at == 0 || at + 4 == filename.size()) return false;
  return filename.find_first_not_of("0123456789", at + 4) == std::string::npos;
}

/// Opens `path` with `flags` and writes `bytes` whole; returns the open descriptor, closed
/// on failure. Errors name `file` (the file the caller means, `path` may be its temporary).
static int open_and_write(const fs::path& path, int flags, const std::string& bytes, const fs::path& file,
                          const char* verb) {
  const int fd = ::open(path.c_str(), flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail(file, verb, errno);
  try {
    write_all(fd, bytes, file);
  } catch (...) {
    ::close(fd);
    throw;
  }
  return fd;
}

void write_atomically(const fs::path& file, const std::string& bytes) {
  const fs::path temporary = temporary_for(file);
  try {
    const int fd = open_and_write(temporary, O_TRUNC, bytes, file, "cannot write");
    if (::close(fd) != 0) fail(file, "cannot write", errno);
    publish(temporary, file);
  } catch (const Error&) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

void write_atomically(const fs::path& file, const std::function<void(const fs::path&)>& write) {
  const fs::path temporary = temporary_for(file);
  std::string failure;
  try {
    write(temporary);
    publish(temporary, file);
    return;
  } catch (const Error& e) {
    failure = e.what();  // publish's own errors already name the file
  } catch (const std::exception& e) {
    failure = "cannot write " + file.string() + ": " + e.what();
  }
  std::error_code ignored;
  fs::remove(temporary, ignored);
  throw Error(failure);
}

void append_durably(const fs::path& file, const std::string& text) {
  const int fd = open_and_write(file, O_APPEND, text, file, "cannot append to");
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) fail(file, "cannot sync", error);
}

std::vector<fs::path> sweep_temporaries(const fs::path& folder) {
  std::vector<fs::path> removed;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || !is_temporary_name(it->path().filename().string())) continue;
    std::error_code removal;
    if (fs::remove(it->path(), removal)) removed.push_back(it->path());
  }
  return removed;
}

std::string free_space_text(const fs::path& folder) {
  struct statvfs info {};
  if (::statvfs(folder.c_str(), &info) != 0) return "";
  const double mib = static_cast<double>(info.f_bavail) * static_cast<double>(info.f_frsize) / (1024.0 * 1024.0);
  char text[64];
  std::snprintf(text, sizeof text, "%.1f MiB free in ", mib);
  return text + folder.string();
}

}  // namespace crackkd::io
