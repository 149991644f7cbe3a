#pragma once
// A run's log.txt beside stderr. Workers of a side-by-side run append to the same file as
// their parent: spdlog writes each line with one call on a file opened for appending.

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

namespace crackkd::runtime {

/// Adds `file` as a log sink for the lifetime of this object.
class LogFile {
 public:
  explicit LogFile(const std::filesystem::path& file)
      : sink_(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string())) {
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LogFile() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

 private:
  spdlog::sink_ptr sink_;
};

}  // namespace crackkd::runtime
