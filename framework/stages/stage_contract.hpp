#pragma once
// A stage's contract with the rest of its pipeline, declared by its kind and resolved by
// validation: what it may do (capabilities), the result files it writes (each by its name
// in runtime/result_files.hpp), and the results of other stages it reads. Validation
// checks every read against what the stage read from declares it writes, so a pipeline
// that would look for a file no stage writes fails before any training, naming the
// option that asked for it.

#include "runtime/result_files.hpp"

#include <crackkd/error.hpp>

#include <string>
#include <vector>

namespace crackkd::stages {

enum class Capability {
  WritesCheckpoint,  ///< checkpoint.pt: other stages may score it or learn from it
  RunsPerSeed,       ///< once per entry of [pipeline] seeds, into <stage>/seed-<s>/
  DataParallel,      ///< joins every rank of a data-parallel run
};

/// A result file of another stage that a stage reads, and the option that names it.
struct ResultRead {
  std::string stage;
  std::string file;
  SourceLocation where;
  std::string key;  ///< "stages.evaluate.models"
};

}  // namespace crackkd::stages
