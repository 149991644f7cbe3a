#include "distributed/gradient_sync.hpp"
#include "training/observers.hpp"

#include <spdlog/spdlog.h>

namespace crackkd::training {

namespace {

class RankAgreement : public FitObserver {
 public:
  explicit RankAgreement(FitRun& run) : run_(run) {}

  void fit_done() override {
    auto& group = *run_.group;
    std::vector<at::Tensor> weights;
    for (const auto& p : run_.trainee.model.parameters()) weights.push_back(p);
    const double divergence = distributed::max_divergence(weights, group);
    if (divergence > 0)
      throw Error("stage " + run_.stage.name + ": the " + std::to_string(group.world_size()) +
                  " ranks ended with different weights (max difference " + std::to_string(divergence) + ")");
    if (run_.main) spdlog::info("{}: the {} ranks end with identical weights", run_.stage.name, group.world_size());
  }

 private:
  FitRun& run_;
};

}  // namespace

std::unique_ptr<FitObserver> make_rank_agreement(FitRun& run) { return std::make_unique<RankAgreement>(run); }

}  // namespace crackkd::training
