#pragma once
// Stage kinds: what a [stages.NAME] table with `kind = "train"` (or "evaluate", …) means.
// Each kind declares its options, checks its references before anything runs (`plan`),
// and does its work (`run`) into its own folder.

#include "pipeline/pipeline.hpp"
#include "plugin_host/plugin_host.hpp"
#include "stages/stage_contract.hpp"

#include <c10/core/Device.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

namespace crackkd::runtime {
class RunProgress;
}  // namespace crackkd::runtime

namespace crackkd::distributed {
class ProcessGroup;
}  // namespace crackkd::distributed

namespace crackkd::checkpoints {
struct LoadedModel;
}  // namespace crackkd::checkpoints

namespace crackkd::stages {

/// A kind's parsed options as its plan carries them to its run (stage_kind_of.hpp).
struct StageOptions {
  virtual ~StageOptions() = default;
};

/// A stage as validation resolves it: its parsed options, the stages it reads from, the
/// components it will create (their configs and libraries go into its fingerprint), and
/// its contract (stage_contract.hpp). The runner and `run` use this, never the TOML.
struct StagePlan {
  std::shared_ptr<const StageOptions> options;  ///< the kind's options struct, parsed once
  std::vector<std::string> depends_on;
  std::vector<std::pair<std::string, ComponentConfig>> components;  ///< (kind, config)
  std::vector<std::filesystem::path> input_files;  ///< read from outside the pipeline: their bytes join the fingerprint
  std::set<Capability> capabilities;
  /// Its result files (results::k…, or patterns: names_result), from its kind's declaration:
  /// those its options make it write, and those it writes or not depending on the data.
  std::vector<std::string> writes;
  std::vector<std::string> may_write;
  std::vector<ResultRead> reads;  ///< other stages' result files it reads
  /// A training stage: the [models.*] entry its checkpoints hold (what a stage reading
  /// them checks they hold); "" for the others.
  std::string trained_model;
  std::int64_t epochs = 0;  ///< a training stage's epochs per replicate, for the run's progress; 0 for the others
  /// Side by side (`crackkd run -j`): a cache this stage fills and other stages with the
  /// same key read (the teacher's outputs), per replicate. One job of a key and replicate
  /// runs until one has finished, so the teacher is not computed twice. "" = none.
  std::string shared_cache;
  /// Side by side: runs with no other stage beside it and with every core (it measures time).
  bool runs_alone = false;
  /// A training stage's batches, which the data check tries on its data set's sizes
  /// (data/batch_check.hpp): the [datasets.*] entry, samples a batch, its augment.
  struct Batches {
    std::string data;
    std::int64_t batch_size = 1;
    std::vector<ComponentConfig> augment;
  };
  std::optional<Batches> batches;

  bool can(Capability c) const { return capabilities.count(c) != 0; }
  bool writes_file(const std::string& file) const {
    const auto names = [&](const std::string& w) { return names_result(w, file); };
    return std::any_of(writes.begin(), writes.end(), names) || std::any_of(may_write.begin(), may_write.end(), names);
  }
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
  runtime::RunProgress* run_progress = nullptr;  ///< the whole run's progress, on the main rank of `crackkd run`
  const StagePlan* plan = nullptr;        ///< what validation resolved for this stage
  /// The ranks of a data-parallel run, or null in a single process.
  distributed::ProcessGroup* group = nullptr;
  /// Every stage's plan, for what this stage reads of others (the model a stage trains).
  const std::map<std::string, StagePlan>* plans = nullptr;
  /// This process's index on its host in a data-parallel run (its GPU), else nullopt.
  std::optional<int> local_rank() const;
  std::filesystem::path stage_dir(const std::string& name) const { return run_dir / name; }
  /// Where stage `name` (train/distill) left this replicate's checkpoints.
  std::filesystem::path checkpoint_dir(const std::string& name) const { return run_dir / name / replicate; }
  /// Result `file` of stage `name` (of its replicate `folder`), which this stage's plan
  /// declares it reads; an undeclared read is a bug of the kind and throws crackkd::Error.
  std::filesystem::path result_of(const std::string& name, const std::string& file, const std::string& folder) const;
  /// Whether this stage's plan declares that it reads `file` of stage `name`.
  bool reads_result(const std::string& name, const std::string& file) const;
  /// The checkpoint of train/distill stage `name` (replicate `folder`) this stage reads, as
  /// validation settled it (best.pt or checkpoint.pt).
  std::filesystem::path model_of(const std::string& name, const std::string& folder) const;
};

class StageKind {
 public:
  virtual ~StageKind() = default;
  virtual const char* name() const = 0;
  /// What it does and which result files it writes, for `crackkd plugins` and the reference.
  virtual std::string doc() const = 0;
  virtual std::vector<OptionInfo> options() const = 0;
  /// Parses the options and checks every reference and component; throws ConfigError.
  virtual StagePlan plan(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                         host::PluginHost& host) const = 0;
  /// Once every stage is planned: completes this stage's plan from the plans of others
  /// (a report reads what the stages it reports on write). Throws ConfigError.
  virtual void link(const pipeline::StageConfig& /*stage*/, StagePlan& /*own*/,
                    const std::map<std::string, StagePlan>& /*plans*/) const {}
  virtual void run(StageContext& context) const = 0;
};

/// Every registered stage kind (stage_kind_of.hpp), in documentation order.
const std::vector<const StageKind*>& stage_kinds();
const StageKind* find_stage_kind(const std::string& name);

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

/// Checks that stage option `key` (element `index` of an array) names a stage, and adds to
/// `plan` that this stage reads its result `file` (checked once every stage is planned)
/// and runs after it.
void read_result_of(const pipeline::StageConfig& stage, const std::string& key, const std::string& name,
                    const std::string& file, const pipeline::Pipeline& pipeline, StagePlan& plan,
                    std::size_t index = SIZE_MAX);

/// Checks that `loaded`, read from `file`, holds the model training stage `stage` trains
/// (its plan's `trained_model`): a file put in place of a stage's checkpoint is an error.
void require_model_of_stage(const StageContext& ctx, const checkpoints::LoadedModel& loaded,
                            const std::filesystem::path& file, const std::string& stage);

/// The files of a folder with their modification times.
using FolderFiles = std::map<std::string, std::filesystem::file_time_type>;
FolderFiles folder_files(const std::filesystem::path& folder);

/// Checks, after `ctx`'s stage ran, that every result it always writes is there (else
/// throws crackkd::Error) and that every file it wrote into its folder (new or changed
/// since `before`) is one its plan declares, the run's own files (stage.done, resume.pt…)
/// aside: an undeclared one is logged as a warning, or with CRACKKD_STRICT_CONTRACTS=1 (the
/// test suites set it) thrown as an error.
void check_written(const StageContext& ctx, const FolderFiles& before);

/// Checks that stage option `key` (element `index` of an array) names an existing file,
/// which the stage reads from outside the pipeline; throws ConfigError at the key's location.
void require_input_file(const pipeline::StageConfig& stage, const std::string& key, const std::string& file,
                        std::size_t index = SIZE_MAX);

}  // namespace crackkd::stages
