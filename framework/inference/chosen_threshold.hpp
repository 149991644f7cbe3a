#pragma once
// A threshold an evaluate stage chose for a checkpoint (`choose_threshold = "ods"`: the
// ODS threshold on its data; "fixed": its `threshold`), kept in a small TOML file beside
// the checkpoint, `<stem>.threshold.toml` (checkpoint.pt → checkpoint.threshold.toml), so
// `crackkd infer` and `crackkd export` given that checkpoint find it. The file holds the
// checkpoint's content hash: a checkpoint retrained or replaced since is not given a
// threshold chosen for other weights (the file is then ignored, with a warning).

#include <filesystem>
#include <optional>
#include <string>

namespace crackkd::inference {

struct ChosenThreshold {
  double threshold = 0.5;
  std::string chosen_by;        ///< "ODS on val, evaluate stage evaluate of pipeline kd_comparison"
  std::string checkpoint_hash;  ///< io::file_hash of the checkpoint it was chosen for
};

/// Where the threshold of `checkpoint` is kept.
std::filesystem::path chosen_threshold_file(const std::filesystem::path& checkpoint);

/// Writes the record beside `checkpoint` (atomically), hashing the checkpoint's bytes.
void write_chosen_threshold(const std::filesystem::path& checkpoint, double threshold, const std::string& chosen_by);

/// The record beside `checkpoint` when there is one written for these very bytes; a
/// record for other bytes is logged as a warning and ignored; a damaged record throws
/// crackkd::Error naming its file.
std::optional<ChosenThreshold> read_chosen_threshold(const std::filesystem::path& checkpoint);

}  // namespace crackkd::inference
