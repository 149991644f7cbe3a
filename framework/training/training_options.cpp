#include "training/training_options.hpp"

namespace crackkd::training {

std::unique_ptr<torch::optim::AdamW> make_optimizer(std::vector<at::Tensor> parameters, const TrainingOptions& o) {
  return std::make_unique<torch::optim::AdamW>(std::move(parameters),
                                               torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay));
}

}  // namespace crackkd::training
