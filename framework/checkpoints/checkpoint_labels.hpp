#pragma once
// How results (scores.csv, efficiency.csv, the report) name checkpoint files a stage
// scores besides its stages' models. Rows with one label are seeds of one model, averaged
// by the report, so two unrelated files must never share one: runA/train/best.pt and
// runB/train/best.pt are "runA/train/best" and "runB/train/best", not both "train/best".

#include "pipeline/pipeline.hpp"

#include <string>
#include <vector>

namespace crackkd::checkpoints {

/// The labels of `stage`'s `checkpoints` files: its `labels` key where given (one per file),
/// else each file's shortest path tail (folder/stem at least) that no other file and no
/// entry of `models` shares. Throws ConfigError naming the key for a file given twice, a
/// count that differs, or a label used twice or by one of `models`.
std::vector<std::string> checkpoint_labels(const pipeline::StageConfig& stage, const std::vector<std::string>& files,
                                           const std::vector<std::string>& labels,
                                           const std::vector<std::string>& models);

}  // namespace crackkd::checkpoints
