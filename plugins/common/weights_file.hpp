#pragma once
// A model's starting-weights file (`encoder_weights`) as part of its stage's fingerprint:
// its path, size and modification time, so a new file reruns the stages that train the model.

#include <filesystem>
#include <string>

namespace crackkd::plugin_common {

/// "" for no file; otherwise "PATH SIZE TIME".
inline std::string weights_file_fingerprint(const std::string& file) {
  if (file.empty()) return "";
  std::error_code ec;
  return file + " " + std::to_string(std::filesystem::file_size(file, ec)) + " " +
         std::to_string(std::filesystem::last_write_time(file, ec).time_since_epoch().count());
}

}  // namespace crackkd::plugin_common
