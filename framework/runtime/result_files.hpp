#pragma once
// The result files stages write into their folders and read from each other's, by name.
// Kept below every folder that writes one (the training loop, checkpoints, the stage
// kinds), so each names a file the same way.

namespace crackkd::results {

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

// The run's own files in a stage's folder, beside its results: no stage declares them.
inline constexpr const char* kStageDone = "stage.done";          ///< the finished stage's fingerprint
inline constexpr const char* kReplicateDone = "replicate.done";  ///< the same for one seed's replicate
inline constexpr const char* kResume = "resume.pt";              ///< an unfinished training stage's state

}  // namespace crackkd::results
