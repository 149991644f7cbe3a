#include "training/observers.hpp"

#include <spdlog/spdlog.h>

namespace crackkd::training {

namespace {

class StepLogger : public FitObserver {
 public:
  explicit StepLogger(FitRun& run) : run_(run) {}

  void step_done(const StepRecord& s) override {
    std::string text;
    for (std::size_t i = 0; i < s.values.size(); ++i) text += run_.term_names[i] + " " + csv_number(s.values[i]) + ", ";
    spdlog::debug("{} epoch {}/{} batch {}/{} (step {}): lr {}, {}total {}", run_.stage.name, s.epoch,
                  run_.options.epochs, s.batch + 1, s.batches, run_.progress.step, csv_number(s.lr), text,
                  csv_number(s.total));
  }

 private:
  FitRun& run_;
};

}  // namespace

std::unique_ptr<FitObserver> make_step_logger(FitRun& run) { return std::make_unique<StepLogger>(run); }

}  // namespace crackkd::training
