// The epoch's progress bar, with the run's place (stage n/m, pipeline ETA), and the line
// that sums each epoch up.

#include "runtime/progress.hpp"
#include "runtime/run_progress.hpp"
#include "training/observers.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace crackkd::training {

namespace {

class ProgressBar : public FitObserver {
 public:
  explicit ProgressBar(FitRun& run) : run_(run) {}

  void epoch_started(std::int64_t epoch, std::size_t, std::size_t batches) override {
    bar_ = std::make_unique<runtime::Progress>(
        run_.stage.name + " epoch " + std::to_string(epoch) + "/" + std::to_string(run_.options.epochs), batches);
  }
  void step_done(const StepRecord& s) override {
    char status[48];
    std::snprintf(status, sizeof status, "loss %.4f", s.epoch_loss);
    auto* run_progress = run_.stage.run_progress;
    if (!run_progress) return bar_->advance(status);
    run_progress->epochs_done(static_cast<double>(s.epoch - 1) + static_cast<double>(s.batch + 1) / s.batches);
    const std::string run_status = run_progress->status();
    bar_->advance(run_status.empty() ? std::string(status) : std::string(status) + " [" + run_status + "]");
  }
  void epoch_done(const EpochRecord&) override { bar_->finish(); }
  void interrupted() override { bar_->finish(); }

 private:
  FitRun& run_;
  std::unique_ptr<runtime::Progress> bar_;
};

class EpochSummary : public FitObserver {
 public:
  explicit EpochSummary(FitRun& run) : run_(run) {}

  void epoch_done(const EpochRecord& e) override {
    std::string terms;
    for (std::size_t i = 0; i < e.term_means.size(); ++i) {
      char text[64];
      std::snprintf(text, sizeof text, "%s%s %.4g", terms.empty() ? "" : ", ", run_.term_names[i].c_str(),
                    e.term_means[i]);
      terms += text;
    }
    const std::string validation =
        e.val_dice ? ", val mDS " + std::to_string(*e.val_dice) + " mIoU " + std::to_string(*e.val_iou) : "";
    spdlog::info("{} epoch {}/{}: loss {:.4f} ({}){} ({:.1f} s, {:.1f} training samples/s)", run_.stage.name,
                 e.epoch, run_.options.epochs, e.loss, terms, validation, e.seconds,
                 static_cast<double>(e.samples) / std::max(1e-9, e.train_seconds));
  }

 private:
  FitRun& run_;
};

}  // namespace

std::unique_ptr<FitObserver> make_progress_bar(FitRun& run) { return std::make_unique<ProgressBar>(run); }
std::unique_ptr<FitObserver> make_epoch_summary(FitRun& run) { return std::make_unique<EpochSummary>(run); }

}  // namespace crackkd::training
