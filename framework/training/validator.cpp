#include "evaluation/evaluation.hpp"
#include "training/observers.hpp"

namespace crackkd::training {

namespace {

class Validator : public FitObserver {
 public:
  Validator(FitRun& run, const Dataset& validation) : run_(run), validation_(validation) {}

  void epoch_done(EpochRecord& epoch) override {
    const auto means =
        evaluation::evaluate_model(run_.trainee.model, validation_, run_.device, run_.options.threshold, "");
    epoch.val_dice = means.mean_dice();
    epoch.val_iou = means.mean_iou();
  }

 private:
  FitRun& run_;
  const Dataset& validation_;
};

}  // namespace

std::unique_ptr<FitObserver> make_validator(FitRun& run, const Dataset& validation) {
  return std::make_unique<Validator>(run, validation);
}

}  // namespace crackkd::training
