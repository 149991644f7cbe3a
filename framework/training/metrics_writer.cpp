#include "io/durable_file.hpp"
#include "runtime/result_files.hpp"
#include "training/observers.hpp"

#include <sstream>

namespace crackkd::training {

namespace {

class MetricsWriter : public FitObserver {
 public:
  explicit MetricsWriter(FitRun& run) : run_(run) {}

  void epoch_done(const EpochRecord& epoch) override {
    if (csv_.empty()) {
      csv_ = "epoch,step";
      for (const auto& n : run_.term_names) csv_ += "," + n;
      csv_ += ",train_loss,val_mDS,val_mIoU,seconds\n";
    }
    std::ostringstream row;
    row << epoch.epoch << "," << run_.progress.step;
    for (const double mean : epoch.term_means) row << "," << mean;
    row << "," << epoch.loss << "," << (epoch.val_dice ? std::to_string(*epoch.val_dice) : "") << ","
        << (epoch.val_iou ? std::to_string(*epoch.val_iou) : "") << "," << epoch.seconds << "\n";
    csv_ += row.str();
    io::write_atomically(run_.stage.out_dir / results::kMetrics, csv_);
  }
  // resume.pt keeps the rows: a resumed run appends to them.
  void save_state(ResumeParts& parts) const override { parts.put("metrics_csv", csv_); }
  void restore_state(const ResumeParts& parts) override {
    if (const auto csv = parts.get("metrics_csv")) csv_ = csv->toStringRef();
  }

 private:
  FitRun& run_;
  std::string csv_;  ///< metrics.csv as written after the last epoch
};

}  // namespace

std::unique_ptr<FitObserver> make_metrics_writer(FitRun& run) { return std::make_unique<MetricsWriter>(run); }

}  // namespace crackkd::training
