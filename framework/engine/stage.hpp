#pragma once
// Stage kinds: what a [stages.NAME] table with `kind = "train"` (or "evaluate", …) means.
// Each kind declares its options, checks its references before anything runs (`plan`),
// and does its work (`run`) into its own folder.

#include "pipeline/pipeline.hpp"
#include "plugin_host/plugin_host.hpp"

#include <c10/core/Device.h>

#include <filesystem>
#include <memory>
#include <utility>

namespace crackkd::engine {

/// What a stage needs, found by validation: the stages it reads from, and the components
/// it will create (their configs and libraries go into the stage's fingerprint).
struct StagePlan {
  std::vector<std::string> depends_on;
  std::vector<std::pair<std::string, ComponentConfig>> components;  ///< (kind, config)
  std::vector<std::filesystem::path> input_files;  ///< read from outside the pipeline: their bytes join the fingerprint
};

/// One run of a train/distill stage. With `[pipeline] seeds`, each such stage runs once
/// per seed into <stage>/seed-<s>/, and a replicate reads the same seed's replicate of
/// the stages it learns from (a distilled student of seed 8 learns from the teacher of
/// seed 8); without, it runs once with `seed` into <stage>/.
struct Replicate {
  std::int64_t seed;
  std::string folder;  ///< "seed-<s>", or "" for the single run
};
std::vector<Replicate> replicates(const pipeline::PipelineOptions& options);

/// Everything a running stage may use.
struct StageContext {
  const pipeline::Pipeline& pipeline;  ///< for a replicate: with `seed` set to its seed
  const pipeline::StageConfig& stage;
  host::PluginHost& host;
  std::filesystem::path run_dir;  ///< <workdir>/<pipeline name>
  std::filesystem::path out_dir;  ///< run_dir / stage name (/ the replicate's folder)
  std::string fingerprint;        ///< of this stage's configuration and inputs (see runner.hpp)
  std::string build;              ///< of the host binary and plugin libraries it runs
  std::string replicate;          ///< the replicate's folder ("seed-8"), or ""
  std::filesystem::path stage_dir(const std::string& name) const { return run_dir / name; }
  /// Where stage `name` (train/distill) left this replicate's checkpoints.
  std::filesystem::path checkpoint_dir(const std::string& name) const { return run_dir / name / replicate; }
};

class StageKind {
 public:
  virtual ~StageKind() = default;
  virtual const char* name() const = 0;
  virtual const char* doc() const = 0;
  virtual std::vector<OptionInfo> options() const = 0;
  /// Parses the options and checks every reference and component; throws ConfigError.
  virtual StagePlan plan(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                         host::PluginHost& host) const = 0;
  virtual void run(StageContext& context) const = 0;
};

/// All stage kinds, in documentation order.
const std::vector<std::unique_ptr<StageKind>>& stage_kinds();
const StageKind* find_stage_kind(const std::string& name);

std::unique_ptr<StageKind> make_train_stage();
std::unique_ptr<StageKind> make_evaluate_stage();
std::unique_ptr<StageKind> make_distill_stage();
std::unique_ptr<StageKind> make_benchmark_stage();
std::unique_ptr<StageKind> make_report_stage();

/// Checks that stage option `key` names an entry of `table` ("dataset", "model" or
/// "stage"); throws ConfigError at the key's location with the closest names.
template <class Table>
void require_reference(const pipeline::StageConfig& stage, const std::string& key, const std::string& name,
                       const Table& table, const std::string& what, std::size_t index = SIZE_MAX) {
  if (table.count(name)) return;
  std::vector<std::string> known;
  for (const auto& [k, v] : table) known.push_back(k);
  SourceLocation where = stage.where;
  if (const Value* v = stage.params.find(key)) where = index < v->array.size() ? v->array[index].where : v->where;
  std::string hint = did_you_mean(name, known);
  if (hint.empty() && !known.empty()) {
    hint = " (defined: ";
    for (std::size_t i = 0; i < known.size(); ++i) hint += (i ? ", " : "") + known[i];
    hint += ")";
  }
  throw ConfigError(where, "stages." + stage.name + "." + key + ": undefined " + what + " '" + name + "'" + hint);
}

/// Checks that stage option `key` (element `index` of an array) names a stage that writes
/// a model checkpoint (`train` or `distill`); throws ConfigError at the key's location.
inline void require_checkpoint_stage(const pipeline::StageConfig& stage, const std::string& key,
                                     const std::string& name, const pipeline::Pipeline& pipeline,
                                     std::size_t index = SIZE_MAX) {
  require_reference(stage, key, name, pipeline.stages, "stage", index);
  const auto& kind = pipeline.stages.at(name).kind;
  if (kind == "train" || kind == "distill") return;
  const Value& v = stage.params.at(key);
  throw ConfigError(index < v.array.size() ? v.array[index].where : v.where,
                    "stages." + stage.name + "." + key + ": stage '" + name + "' is a " + kind +
                        " stage and writes no checkpoint");
}

/// Checks that stage option `key` (element `index` of an array) names an existing file,
/// which the stage reads from outside the pipeline; throws ConfigError at the key's location.
void require_input_file(const pipeline::StageConfig& stage, const std::string& key, const std::string& file,
                        std::size_t index = SIZE_MAX);

/// Resolves "pipeline" / "auto" / "cpu" / "cuda" to a device; "cuda" without one is an error.
c10::Device resolve_device(const std::string& stage_device, const pipeline::Pipeline& pipeline);
/// Resolves "auto" (CUDA when present) / "cpu" / "cuda" / "cuda:N"; in a data-parallel
/// run "auto" and "cuda" give each rank the GPU of its LOCAL_RANK (see engine/device.hpp).
c10::Device resolve_device(const std::string& name);

}  // namespace crackkd::engine
