// The registry of stage kinds the runner knows, and the replicates of training stages.

#include "engine/stage.hpp"

namespace crackkd::engine {

const std::vector<std::unique_ptr<StageKind>>& stage_kinds() {
  static const std::vector<std::unique_ptr<StageKind>> kinds = [] {
    std::vector<std::unique_ptr<StageKind>> k;
    k.push_back(make_train_stage());
    k.push_back(make_distill_stage());
    k.push_back(make_evaluate_stage());
    k.push_back(make_benchmark_stage());
    k.push_back(make_report_stage());
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

const StageKind* find_stage_kind(const std::string& name) {
  for (const auto& k : stage_kinds())
    if (name == k->name()) return k.get();
  return nullptr;
}

}  // namespace crackkd::engine
