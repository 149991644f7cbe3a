#pragma once
// A stage's contract with the rest of its pipeline, declared by its kind and resolved by
// validation: what it may do (capabilities), the result files it writes, each by the name
// below, and the results of other stages it reads. Validation checks every read against
// what the stage read from declares it writes, so a pipeline that would look for a file
// no stage writes fails before any training, naming the option that asked for it.

#include <crackkd/error.hpp>

#include <string>
#include <vector>

namespace crackkd::engine {

enum class Capability {
  WritesCheckpoint,  ///< checkpoint.pt: other stages may score it or learn from it
  RunsPerSeed,       ///< once per entry of [pipeline] seeds, into <stage>/seed-<s>/
  DataParallel,      ///< joins every rank of a data-parallel run
};

/// The result files stages write and read, by name.
namespace results {
inline constexpr const char* kCheckpoint = "checkpoint.pt";  ///< the last epoch's model
inline constexpr const char* kBest = "best.pt";              ///< the best validation mDS's model
inline constexpr const char* kMetrics = "metrics.csv";       ///< one row per epoch
inline constexpr const char* kSteps = "steps.csv";           ///< one row per optimiser step
inline constexpr const char* kScores = "scores.csv";         ///< mDS and mIoU per model
inline constexpr const char* kPerImage = "per_image.csv";    ///< Dice and IoU per model and image
inline constexpr const char* kRobustness = "robustness.csv"; ///< mDS per model, noise and level
inline constexpr const char* kExamplesClean = "examples_clean.png";
inline constexpr const char* kEfficiency = "efficiency.csv"; ///< parameters, MACs, latency per model
inline constexpr const char* kReport = "report.md";
}  // namespace results

/// A result file of another stage that a stage reads, and the option that names it.
struct ResultRead {
  std::string stage;
  std::string file;
  SourceLocation where;
  std::string key;  ///< "stages.evaluate.models"
};

}  // namespace crackkd::engine
