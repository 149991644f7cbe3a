#pragma once
// A stage's contract with the rest of its pipeline, declared by its kind and resolved by
// validation: what it may do (capabilities), the result files it writes (each by its name
// in runtime/result_files.hpp), and the results of other stages it reads. Validation
// checks every read against what the stage read from declares it writes, so a pipeline
// that would look for a file no stage writes fails before any training, naming the
// option that asked for it. The declaration is also held to what a stage does: a stage
// reads another's files only through what it declared (StageContext::result_of), and a
// file it writes that its kind does not declare fails the stage (check_written).

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
  std::string file;  ///< a name, or a pattern of names (see names_result)
  SourceLocation where;
  std::string key;  ///< "stages.evaluate.models"
  /// Read instead of `file` when the stage read from writes it (best.pt over checkpoint.pt);
  /// validation settles which, so a run reads what its plan says, not what lies on disk.
  std::string preferred;
};

/// Whether `file` is a result file `declared` names: the same name, or a pattern whose
/// `<part>` stands for any text of one or more characters ("examples_<noise>.png").
bool names_result(const std::string& declared, const std::string& file);

/// A result file a kind declares, and when it is written in words for its documentation
/// ("" = always). With a `<part>` in its name it is a pattern, one file per part.
struct ResultFile {
  std::string file;
  std::string when;
};

/// "writes a and b; c (when …)": a kind's result files as its documentation lists them.
std::string describe_results(const std::vector<ResultFile>& files);

}  // namespace crackkd::stages
