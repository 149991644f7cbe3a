#include "inference/chosen_threshold.hpp"

#include "io/content_hash.hpp"
#include "io/durable_file.hpp"

#include <crackkd/error.hpp>

#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <sstream>

namespace crackkd::inference {

namespace fs = std::filesystem;

fs::path chosen_threshold_file(const fs::path& checkpoint) {
  return checkpoint.parent_path() / (checkpoint.stem().string() + ".threshold.toml");
}

void write_chosen_threshold(const fs::path& checkpoint, double threshold, const std::string& chosen_by) {
  const toml::table record{{"threshold", threshold},
                           {"chosen_by", chosen_by},
                           {"checkpoint", checkpoint.filename().string()},
                           {"checkpoint_hash", io::file_hash(checkpoint)}};
  std::ostringstream text;
  text << "# The threshold chosen for " << checkpoint.filename().string()
       << " by crackkd's evaluate stage; crackkd infer and export use it for these very weights.\n"
       << record << '\n';
  io::write_atomically(chosen_threshold_file(checkpoint), text.str());
}

std::optional<ChosenThreshold> read_chosen_threshold(const fs::path& checkpoint) {
  const fs::path file = chosen_threshold_file(checkpoint);
  if (!fs::exists(file)) return std::nullopt;
  toml::table record;
  try {
    record = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw Error(file.string() + ": malformed TOML: " + std::string(e.description()));
  }
  ChosenThreshold chosen;
  const auto threshold = record["threshold"].value<double>();
  const auto chosen_by = record["chosen_by"].value<std::string>();
  const auto hash = record["checkpoint_hash"].value<std::string>();
  if (!threshold || !chosen_by || !hash || !(*threshold > 0 && *threshold < 1))
    throw Error(file.string() + ": not a threshold record (needs threshold in (0, 1), chosen_by and checkpoint_hash)");
  if (*hash != io::file_hash(checkpoint)) {
    spdlog::warn("{} was chosen for other weights than {} holds now (retrained or replaced since): not used",
                 file.string(), checkpoint.string());
    return std::nullopt;
  }
  return ChosenThreshold{*threshold, *chosen_by, *hash};
}

}  // namespace crackkd::inference
