// The registry of stage kinds the runner knows (each registers itself), the replicates
// of training stages, and the checks of references that kinds share.

#include "stages/stage.hpp"
#include "stages/stage_kind_of.hpp"

#include "checkpoints/checkpoint.hpp"
#include "distributed/process_group.hpp"

namespace crackkd::stages {

namespace {

struct Registered {
  int position;
  std::unique_ptr<StageKind> kind;
};

/// Filled while the program starts, by each kind's CRACKKD_STAGE_KIND.
std::vector<Registered>& registered() {
  static std::vector<Registered> kinds;
  return kinds;
}

}  // namespace

bool register_stage_kind(std::unique_ptr<StageKind> kind, int position) {
  registered().push_back({position, std::move(kind)});
  return true;
}

const std::vector<const StageKind*>& stage_kinds() {
  static const std::vector<const StageKind*> kinds = [] {
    auto& all = registered();
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.position < b.position; });
    std::vector<const StageKind*> k;
    for (const auto& r : all) {
      for (const auto* earlier : k)
        if (std::string(earlier->name()) == r.kind->name())
          throw Error(std::string("two stage kinds are named '") + r.kind->name() + "'");
      k.push_back(r.kind.get());
    }
    return k;
  }();
  return kinds;
}

std::vector<Replicate> replicates(const pipeline::PipelineOptions& options) {
  if (options.seeds.empty()) return {{options.seed, ""}};
  std::vector<Replicate> out;
  for (const auto seed : options.seeds) out.push_back({seed, "seed-" + std::to_string(seed)});
  return out;
}

void require_input_file(const pipeline::StageConfig& stage, const std::string& key, const std::string& file,
                        std::size_t index) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(file, ec)) return;
  const Value& v = stage.params.at(key);
  const SourceLocation& where = index < v.array.size() ? v.array[index].where : v.where;
  std::string what = std::filesystem::exists(file, ec) ? "is not a file" : "does not exist";
  if (std::filesystem::path(file).is_relative()) what += " (relative to " + std::filesystem::current_path(ec).string() + ")";
  throw ConfigError(where, "stages." + stage.name + "." + key + ": " + file + " " + what);
}

void read_result_of(const pipeline::StageConfig& stage, const std::string& key, const std::string& name,
                    const std::string& file, const pipeline::Pipeline& pipeline, StagePlan& plan, std::size_t index) {
  require_reference(stage, key, name, pipeline.stages, "stage", index);
  const Value& v = stage.params.at(key);
  plan.reads.push_back({name, file, index < v.array.size() ? v.array[index].where : v.where,
                        "stages." + stage.name + "." + key, ""});
  if (std::find(plan.depends_on.begin(), plan.depends_on.end(), name) == plan.depends_on.end())
    plan.depends_on.push_back(name);
}

void require_model_of_stage(const StageContext& ctx, const checkpoints::LoadedModel& loaded,
                            const std::filesystem::path& file, const std::string& stage) {
  const std::string& model = ctx.plans->at(stage).trained_model;
  if (model.empty()) throw Error("stage '" + stage + "' writes checkpoints but its plan names no model it trains");
  checkpoints::require_stage_model(loaded, file, stage, model, ctx.pipeline.models.at(model));
}

std::optional<int> StageContext::local_rank() const {
  return group ? std::optional<int>(group->local_rank()) : std::nullopt;
}

const StageKind* find_stage_kind(const std::string& name) {
  for (const auto* k : stage_kinds())
    if (name == k->name()) return k;
  return nullptr;
}

}  // namespace crackkd::stages
