#include "evaluation/evaluation.hpp"
#include "training/fit_run.hpp"

namespace crackkd::training {

void validate_epoch(FitRun& run, const Dataset& validation, EpochRecord& epoch) {
  const auto means = evaluation::evaluate_model(run.trainee.model, validation, run.device, run.options.threshold, "");
  epoch.val_dice = means.mean_dice();
  epoch.val_iou = means.mean_iou();
}

}  // namespace crackkd::training
