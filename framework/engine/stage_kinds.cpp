// The registry of stage kinds the runner knows.

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

const StageKind* find_stage_kind(const std::string& name) {
  for (const auto& k : stage_kinds())
    if (name == k->name()) return k.get();
  return nullptr;
}

}  // namespace crackkd::engine
